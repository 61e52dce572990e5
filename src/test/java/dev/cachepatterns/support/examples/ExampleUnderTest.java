package dev.cachepatterns.support.examples;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.vertx.mutiny.sqlclient.Pool;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.client.ApiClient;
import dev.cachepatterns.support.fuzz.Fuzz;

/**
 * What an example resource contributes to the tests that exercise every example at once: the bad-input fuzz, the fault
 * injection, the Redis Sentinel and Cluster tests, the ACL user test and the security defaults. Each example's test
 * package has one implementation, a public class named {@code <Something>UnderTest} with a no-argument constructor,
 * which {@link Examples} finds on the test classpath; a service made without the example
 * ({@code scripts/new-service.sh --examples}) has no such class, and those tests then cover the examples it has.
 */
public interface ExampleUnderTest {

    /** The example's name, as {@code scripts/new-service.sh --examples} knows it. */
    String name();

    /** The names of its caches: the {@code cache} tag of their meters. */
    List<String> caches();

    /** The configuration keys that hold its Redis key prefixes: every key it touches starts with one of them. */
    List<String> keyPrefixProperties();

    /** Every state-changing endpoint, each with a request that is valid for it. */
    List<Endpoint> writeEndpoints();

    /**
     * The same endpoints as {@link #writeEndpoints()}, in the same order, each with a request that succeeds (its {@code
     * success} status) when sent now with a {@code writer} token, one after the other: what they need (a user, stock, a
     * post) is created first through the API, with names unique to {@code label}. The authorization test sends them.
     */
    List<Endpoint> preparedWrites(String label);

    /**
     * Creates a little data through the API (RestAssured, with the test's base URI) and reads it once, so it is
     * cached. {@code label} makes names unique to the calling test.
     */
    Scenario prepare(String label);

    /**
     * Requests of {@code count} rows written straight into Postgres (never cached), reads and some writes: a storm of
     * cold keys.
     */
    List<LoadDriver.Call> coldCalls(LoadDriver driver, Pool pool, int count);

    /**
     * The {@code n}-th read of something nobody read before (an unknown id), so answering it needs Postgres; labelled
     * {@code <name>.miss}. A 404 (or an empty result) while Postgres is up, a documented 503 while it is down.
     */
    LoadDriver.Call uncachedRead(LoadDriver driver, long n);

    /** Sends bad input to every endpoint of this example and states what each must answer. */
    void fuzz(Fuzz fuzz);

    /**
     * This example's steps of the README's five-minute tour (its {@code <!-- example:NAME -->} block), run through the
     * client generated from {@code docs/openapi.yaml} ({@code ReadmeTourClientTest}), asserting what the README says
     * each step shows. {@code label} makes names unique to the run.
     */
    void tour(ApiClient client, String label) throws Exception;

    /** Checks of this example's strategy on a Redis Cluster: keys spread over the masters, each where Redis says. */
    default void verifyOnCluster(ClusterContext cluster) {}

    /**
     * Settings that switch on what this example leaves off in tests (its near tier, say), for the tests of a Redis
     * topology (Sentinel, Cluster, the ACL user over TLS), which must exercise all of it.
     */
    default Map<String, String> everythingOn() {
        return Map.of();
    }

    /**
     * For tests against a packaged app: prepares one entry of this example's cache-aside cache on {@code app} and returns
     * the read of it, to send again and again (a cache kept busy while a fault is injected); empty if it has none.
     */
    default Optional<Supplier<HttpRequest.Builder>> cachedRead(PackagedApp app) {
        return Optional.empty();
    }

    /**
     * For tests against a packaged app: prepares what this example's write-behind writes need on {@code app} and returns
     * one such write (with the writer token), to send again and again; empty if it has none.
     */
    default Optional<Supplier<HttpRequest.Builder>> writeBehindWrite(PackagedApp app) {
        return Optional.empty();
    }

    /** Settings that make this example's background work quick enough for a fault test to watch (a short flush). */
    default Map<String, String> quickBackgroundWork() {
        return Map.of();
    }
}
