package dev.cachepatterns.inventory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.examples.ClusterContext;
import dev.cachepatterns.support.examples.Endpoint;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Role;
import dev.cachepatterns.support.examples.Scenario;
import dev.cachepatterns.support.fuzz.Fuzz;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The inventory example (write-through) in the tests that exercise every example at once. */
public class InventoryUnderTest implements ExampleUnderTest {

    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @Override
    public String name() {
        return "inventory";
    }

    @Override
    public List<String> caches() {
        return List.of("inventory");
    }

    @Override
    public List<String> keyPrefixProperties() {
        return List.of("cache.inventory.key-prefix");
    }

    @Override
    public List<Endpoint> writeEndpoints() {
        return List.of(
                new Endpoint("PUT", "/inventory/SKU-1", "{\"name\":\"Mug\",\"quantity\":3}", 200),
                new Endpoint("POST", "/inventory/SKU-1/reservations", "{\"quantity\":1}", 200));
    }

    @Override
    public List<Endpoint> preparedWrites(String label) {
        String sku = InventoryApi.uniqueSku(label.toUpperCase());
        return List.of(
                new Endpoint("PUT", "/inventory/" + sku, "{\"name\":\"Mug\",\"quantity\":3}", 200),
                new Endpoint("POST", "/inventory/" + sku + "/reservations", "{\"quantity\":1}", 200));
    }

    private static String keyPrefix() {
        return ConfigProvider.getConfig().getValue("cache.inventory.key-prefix", String.class);
    }

    @Override
    public Scenario prepare(String label) {
        List<String> skus = IntStream.range(0, 8)
                .mapToObj(i ->
                        label.toUpperCase() + "-" + UUID.randomUUID().toString().substring(0, 8))
                .toList();
        skus.forEach(sku -> InventoryApi.put(sku, "Item " + sku, 1000).statusCode(200));
        Scenario scenario = new InventoryScenario(skus);
        scenario.warm();
        return scenario;
    }

    private record InventoryScenario(List<String> skus) implements Scenario {

        @Override
        public LoadDriver.Call call(LoadDriver driver, long n) {
            int pick = (int) (n / 2);
            String path = "/inventory/" + skus.get(pick % skus.size());
            return n % 2 == 0
                    ? driver.get("inventory.get", path)
                    : driver.put("inventory.put", path, "{\"name\":\"Item\",\"quantity\":" + (pick % 500) + "}");
        }

        @Override
        public Role role(String label) {
            return label.equals("inventory.put") ? Role.DATABASE_WRITE : Role.CACHED_READ;
        }

        @Override
        public int success(String label) {
            return 200;
        }

        @Override
        public void warm() {
            skus.forEach(sku -> InventoryApi.get(sku).statusCode(200));
        }

        @Override
        public List<String> cachedKeys() {
            return skus.stream().map(sku -> keyPrefix() + ":" + sku).toList();
        }

        /** Every SKU reads back at its committed version: no older version is served once the strategy caught up. */
        @Override
        public void assertConsistent(Outcomes outcomes, Pool pool) {
            for (String sku : skus) {
                long committed = pool.preparedQuery("SELECT version FROM inventory WHERE sku = $1")
                        .execute(Tuple.of(sku))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .iterator()
                        .next()
                        .getLong(0);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .untilAsserted(
                                () -> InventoryApi.get(sku).statusCode(200).body("version", equalTo((int) committed)));
            }
        }

        @Override
        public List<String> singleKeyLoads() {
            return List.of("FROM inventory WHERE sku = $1");
        }
    }

    @Override
    public List<LoadDriver.Call> coldCalls(LoadDriver driver, Pool pool, int count) {
        String run = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        List<LoadDriver.Call> calls = new ArrayList<>();
        int i = 0;
        for (Row row : pool.preparedQuery(
                        "INSERT INTO inventory (sku, name, quantity, version) SELECT 'STORM-' || $1::text"
                                + " || '-' || n, 'Storm item', 100, 1 FROM generate_series(1, $2::int) AS n RETURNING sku")
                .execute(Tuple.of(run, count))
                .await()
                .atMost(Duration.ofSeconds(30))) {
            String path = "/inventory/" + row.getString(0);
            calls.add(driver.get("inventory.get", path));
            if (i++ % 2 == 0) {
                calls.add(driver.put("inventory.put", path, "{\"name\":\"Stormed\",\"quantity\":" + i + "}"));
            }
        }
        return calls;
    }

    @Override
    public LoadDriver.Call uncachedRead(LoadDriver driver, long n) {
        return driver.get("inventory.miss", "/inventory/" + InventoryApi.uniqueSku("MISS"));
    }

    @Override
    public void tour(dev.cachepatterns.support.client.ApiClient client, String label) throws Exception {
        var inventory = new dev.cachepatterns.support.client.api.InventoryApi(client);
        String sku = "TOUR-" + label;
        var put = inventory.putInventoryItemWithHttpInfo(
                sku,
                new dev.cachepatterns.support.client.model.InventoryInput()
                        .name("Mug")
                        .quantity(3));
        assertThat(put.getData().getQuantity()).isEqualTo(3);
        assertThat(put.getHeaders().get("Cache-Write")).containsExactly("stored");
        var reservation = new dev.cachepatterns.support.client.model.ReservationInput().quantity(2);
        String key = "tour-" + label + "-" + java.util.UUID.randomUUID();
        assertThat(inventory.reserveInventory(sku, reservation, key).getQuantity())
                .isEqualTo(1);
        // A retry with the same Idempotency-Key gets the first answer and takes nothing again.
        var retried = inventory.reserveInventoryWithHttpInfo(sku, reservation, key);
        assertThat(retried.getData().getQuantity()).isEqualTo(1);
        assertThat(retried.getHeaders().get("Idempotent-Replayed")).containsExactly("true");
        // Stock that never oversells: the second reservation of 2 finds 1 and is refused.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> inventory.reserveInventory(sku, reservation, null))
                .isInstanceOfSatisfying(
                        dev.cachepatterns.support.client.ApiException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(inventory.getInventoryItem(sku).getQuantity()).isEqualTo(1);
    }

    @Override
    public void fuzz(Fuzz fuzz) {
        // Data that valid-but-odd inputs can find.
        fuzz.send("PUT", "/inventory/Sku_1", "{\"name\":\"Fuzz\",\"quantity\":1000000}", "application/json");
        for (Fuzz.Slot s : fuzz.slots()) {
            Predicate<Integer> sku = Fuzz.rule(s, raw -> SKU.matcher(raw).matches());
            fuzz.expect("GET /inventory/{sku}", fuzz.send("GET", "/inventory/" + s.encoded()), sku);
            fuzz.expect(
                    "PUT /inventory/{sku}",
                    fuzz.send(
                            "PUT", "/inventory/" + s.encoded(), "{\"name\":\"n\",\"quantity\":1}", "application/json"),
                    sku);
            fuzz.expect(
                    "POST /inventory/{sku}/reservations",
                    fuzz.send(
                            "POST",
                            "/inventory/" + s.encoded() + "/reservations",
                            "{\"quantity\":1}",
                            "application/json"),
                    sku);
        }
        for (String value : fuzz.strings()) {
            fuzz.expect(
                    "PUT /inventory/Sku_1 name",
                    fuzz.send(
                            "PUT",
                            "/inventory/Sku_1",
                            "{\"name\":" + Fuzz.json(value) + ",\"quantity\":5}",
                            "application/json"),
                    Fuzz.noServerError());
        }
        for (String wrong : fuzz.wrongTypes()) {
            fuzz.expect(
                    "PUT /inventory quantity",
                    fuzz.send(
                            "PUT",
                            "/inventory/Sku_1",
                            "{\"name\":\"n\",\"quantity\":" + wrong + "}",
                            "application/json"),
                    Fuzz.is(400));
            fuzz.expect(
                    "POST reservations quantity",
                    fuzz.send(
                            "POST",
                            "/inventory/Sku_1/reservations",
                            "{\"quantity\":" + wrong + "}",
                            "application/json"),
                    Fuzz.is(400));
        }
        fuzz.malformedBodies("PUT", "/inventory/Sku_1");
        fuzz.malformedBodies("POST", "/inventory/Sku_1/reservations");
    }

    @Override
    public void verifyOnCluster(ClusterContext context) {
        Metrics metrics = new Metrics(context.registry());
        String sku = InventoryApi.uniqueSku("CLUSTER");
        InventoryApi.put(sku, "Item " + sku, 5).statusCode(200).header("Cache-Write", "stored");
        double hits = metrics.gets("inventory", "hit");
        InventoryApi.get(sku).statusCode(200).body("quantity", equalTo(5));
        assertThat(metrics.gets("inventory", "hit") - hits).isEqualTo(1);

        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> reservations = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                reservations.add(() -> given().contentType(ContentType.JSON)
                        .body(Map.of("quantity", 1))
                        .post("/inventory/{sku}/reservations", sku)
                        .statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : threads.invokeAll(reservations)) {
                statuses.add(status.get());
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(7);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            threads.shutdownNow();
        }
        InventoryApi.get(sku).statusCode(200).body("quantity", equalTo(0));
        String key = keyPrefix() + ":" + sku;
        String entry = context.cluster().cli(context.cluster().masterOf(key), "hget", key, "json");
        assertThat(entry).contains("\"quantity\":0");
    }
}
