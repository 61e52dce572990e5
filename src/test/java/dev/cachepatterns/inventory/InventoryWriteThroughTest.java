package dev.cachepatterns.inventory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.CacheWrite;
import dev.cachepatterns.cache.Loader;
import dev.cachepatterns.cache.WriteThrough;
import dev.cachepatterns.cache.WriteThroughFactory;
import dev.cachepatterns.cache.Written;
import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class InventoryWriteThroughTest {

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @Inject
    InventoryService service;

    @Inject
    InventoryRepository repository;

    @Inject
    WriteThroughFactory factory;

    @Inject
    InventoryCacheConfig config;

    @TestHTTPResource("/inventory")
    URI inventoryUri;

    Metrics metrics;

    @BeforeEach
    void setUp() {
        metrics = new Metrics(registry);
    }

    private String keyOf(String sku) {
        return service.cache().keyOf(sku);
    }

    private Map<String, String> entry(String sku) {
        return redis.hash(String.class).hgetall(keyOf(sku));
    }

    private InventoryItem inPostgres(String sku) {
        return repository.load(sku).await().atMost(Duration.ofSeconds(5)).orElseThrow();
    }

    @Test
    void putCommitsAndStoresTheVersionedEntryBeforeAnsweringAndReadsAreServedFromRedis() {
        String sku = InventoryApi.uniqueSku("PUT");

        InventoryApi.put(sku, "Widget", 7)
                .statusCode(200)
                .header("Cache-Write", "stored")
                .body("sku", equalTo(sku))
                .body("name", equalTo("Widget"))
                .body("quantity", equalTo(7))
                .body("version", equalTo(1));
        assertThat(entry(sku)).containsEntry("v", "1");
        assertThat(entry(sku).get("json")).contains("\"quantity\":7");

        InventoryApi.put(sku, "Widget v2", 9).statusCode(200).body("version", equalTo(2));
        assertThat(entry(sku)).containsEntry("v", "2");
        assertThat(redis.key().pttl(keyOf(sku))).isPositive();

        double loadsBefore = metrics.loads("inventory");
        double hitsBefore = metrics.gets("inventory", "hit");
        InventoryApi.get(sku)
                .statusCode(200)
                .body("name", equalTo("Widget v2"))
                .body("quantity", equalTo(9))
                .body("version", equalTo(2));
        assertThat(metrics.loads("inventory")).isEqualTo(loadsBefore);
        assertThat(metrics.gets("inventory", "hit")).isEqualTo(hitsBefore + 1);
        assertThat(inPostgres(sku)).isEqualTo(new InventoryItem(sku, "Widget v2", 9, 2));
    }

    @Test
    void sixtyFourConcurrentReservationsAgainstStockOfFiftyNeverOversell() {
        String sku = InventoryApi.uniqueSku("RACE");
        InventoryApi.put(sku, "Limited", 50).statusCode(200);
        HttpClient client = HttpClient.newBuilder().build();
        HttpRequest request = HttpRequest.newBuilder(inventoryUri.resolve("/inventory/" + sku + "/reservations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"))
                .build();

        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 64)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();

        List<Integer> statuses =
                responses.stream().map(r -> r.join().statusCode()).toList();
        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(50);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(14);
        assertThat(responses.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 409))
                .allSatisfy(r -> assertThat(r.body()).contains("Insufficient stock for " + sku));

        InventoryItem stored = inPostgres(sku);
        assertThat(stored.quantity()).isZero();
        assertThat(stored.version()).isEqualTo(51);
        // Redis agrees with Postgres: the newest version won every compare-and-set.
        assertThat(entry(sku)).containsEntry("v", "51");
        assertThat(entry(sku).get("json")).contains("\"quantity\":0");
        InventoryApi.get(sku).statusCode(200).body("quantity", equalTo(0)).body("version", equalTo(51));
    }

    @Test
    void aWriterRacingASlowerWriterNeverLeavesTheOlderVersionCached() {
        String sku = InventoryApi.uniqueSku("SLOW");
        InventoryApi.put(sku, "Original", 1).statusCode(200);
        WriteThrough<String, InventoryItem> cache = service.cache();
        CompletableFuture<Written<InventoryItem>> fastFinished = new CompletableFuture<>();

        // The slow writer commits v2, then its cache update waits until the fast writer has finished completely.
        Uni<InventoryItem> slowCommit = repository
                .upsert(sku, new InventoryInput("Slow", 2))
                .call(() -> Uni.createFrom().completionStage(fastFinished));
        CompletableFuture<Written<InventoryItem>> slow =
                cache.write(sku, slowCommit).subscribeAsCompletionStage();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> inPostgres(sku).version() == 2);

        Written<InventoryItem> fast = cache.write(sku, repository.upsert(sku, new InventoryInput("Fast", 3)))
                .await()
                .atMost(Duration.ofSeconds(5));
        assertThat(fast).isEqualTo(new Written<>(new InventoryItem(sku, "Fast", 3, 3), CacheWrite.STORED));
        fastFinished.complete(fast);

        Written<InventoryItem> slowResult = slow.join();
        assertThat(slowResult.value().version()).isEqualTo(2);
        // The cache holds a newer version than the slow writer's, which counts as stored for it.
        assertThat(slowResult.cache()).isEqualTo(CacheWrite.STORED);
        assertThat(entry(sku)).containsEntry("v", "3");
        InventoryApi.get(sku).statusCode(200).body("name", equalTo("Fast")).body("version", equalTo(3));
    }

    @Test
    void aReadThatLoadedTheOldRowBeforeAWriteCannotFillItAfterTheWrite() {
        String sku = InventoryApi.uniqueSku("FILL");
        InventoryApi.put(sku, "Before", 5).statusCode(200);
        redis.key().del(keyOf(sku));
        CompletableFuture<Void> loadStarted = new CompletableFuture<>();
        CompletableFuture<Void> writeDone = new CompletableFuture<>();
        // A reader whose load returns the row as it was, but only after the write has gone through.
        Loader<String, InventoryItem> slowLoader = new Loader<>() {
            @Override
            public Uni<Optional<InventoryItem>> load(String key) {
                return repository
                        .load(key)
                        .invoke(() -> loadStarted.complete(null))
                        .call(() -> Uni.createFrom().completionStage(writeDone));
            }

            @Override
            public Uni<Map<String, InventoryItem>> loadAll(List<String> keys) {
                return repository.loadAll(keys);
            }
        };
        WriteThrough<String, InventoryItem> slowReader = factory.create(
                "inventory-slow-reader", config, InventoryItem.class, slowLoader, s -> s, InventoryItem::version);

        CompletableFuture<Optional<InventoryItem>> read = slowReader.get(sku).subscribeAsCompletionStage();
        loadStarted.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        InventoryApi.put(sku, "After", 4).statusCode(200).header("Cache-Write", "stored");
        writeDone.complete(null);

        assertThat(read.join()).map(InventoryItem::version).contains(1L);
        assertThat(entry(sku)).containsEntry("v", "2");
        InventoryApi.get(sku).statusCode(200).body("name", equalTo("After")).body("version", equalTo(2));
    }

    @Test
    void aColdKeyReadByManyAtOnceIsLoadedOnce() {
        String sku = InventoryApi.uniqueSku("COLD");
        InventoryApi.put(sku, "Cold", 3).statusCode(200);
        redis.key().del(keyOf(sku));
        double loadsBefore = metrics.loads("inventory");
        HttpClient client = HttpClient.newBuilder().build();
        HttpRequest request = HttpRequest.newBuilder(inventoryUri.resolve("/inventory/" + sku))
                .GET()
                .build();

        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 100)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();

        assertThat(responses).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
        assertThat(responses)
                .allSatisfy(r -> assertThat(r.join().body()).contains("\"name\":\"Cold\"", "\"version\":1"));
        assertThat(metrics.loads("inventory")).isEqualTo(loadsBefore + 1);
    }

    @Test
    void unknownSkusAre404AndShortStockIs409WithoutTouchingTheCache() {
        String unknown = InventoryApi.uniqueSku("NONE");
        InventoryApi.get(unknown)
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("No inventory item with sku " + unknown));
        InventoryApi.reserve(unknown, 1).statusCode(404).contentType("application/problem+json");

        String sku = InventoryApi.uniqueSku("SHORT");
        InventoryApi.put(sku, "Scarce", 2).statusCode(200);
        Map<String, String> before = entry(sku);
        InventoryApi.reserve(sku, 3)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("Insufficient stock for " + sku + ": 2 available, 3 requested"));
        assertThat(entry(sku)).isEqualTo(before);
        InventoryApi.reserve(sku, 2)
                .statusCode(200)
                .header("Cache-Write", "stored")
                .body("quantity", equalTo(0))
                .body("version", equalTo(2));

        // An unknown SKU that is created afterwards is served at once: its version replaces the "absent" entry.
        InventoryApi.put(unknown, "Late", 1).statusCode(200);
        InventoryApi.get(unknown).statusCode(200).body("name", equalTo("Late"));
    }
}
