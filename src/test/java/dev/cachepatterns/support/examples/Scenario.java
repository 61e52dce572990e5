package dev.cachepatterns.support.examples;

import java.util.List;

import io.vertx.mutiny.sqlclient.Pool;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcomes;

/** An example's share of a mixed load over data it prepared, and what must hold afterwards. */
public interface Scenario {

    /**
     * The {@code n}-th request of this example's share of the load; labels start with the example's name (e.g. {@code
     * users.get}). Few keys, so many requests of one key are in flight together.
     */
    LoadDriver.Call call(LoadDriver driver, long n);

    /** What a request with this label must answer when something fails. */
    Role role(String label);

    /** The success status of a request with this label. */
    int success(String label);

    /** Reads everything once, so it is cached again. */
    void warm();

    /** Redis keys that hold this scenario's data once it is warm. */
    List<String> cachedKeys();

    /**
     * After the fault was cured and the load stopped: no acknowledged write was lost or applied twice, and reads
     * return what Postgres holds (waits for the strategy to catch up, bounded).
     */
    void assertConsistent(Outcomes outcomes, Pool pool);

    /**
     * The statements of this example's single-key cache loads (a fragment of their SQL): the fault tests check that
     * two loads of one key never overlap.
     */
    default List<String> singleKeyLoads() {
        return List.of();
    }
}
