package dev.cachepatterns.inventory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.writethrough.WriteThroughFactory;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.auth.Tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class InventoryWriteThroughTest {

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "cache.inventory.key-prefix")
    String keyPrefix;

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
        return keyPrefix + ":" + sku;
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
                .header("Authorization", Tokens.bearerWriter())
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
