package dev.cachepatterns.support;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to the management interface of the app under test (health, metrics, info), which listens on a port of its
 * own: a random one in tests, published by Quarkus once it is bound.
 */
public final class Management {

    private Management() {}

    /** {@code RestAssured.given()} aimed at the management port. */
    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }

    public static int port() {
        String bound = System.getProperty("quarkus.management.test-port");
        if (bound != null && !bound.equals("0")) {
            return Integer.parseInt(bound);
        }
        return ConfigProvider.getConfig()
                .getOptionalValue("quarkus.management.test-port", Integer.class)
                .filter(port -> port != 0)
                .orElseThrow(() -> new IllegalStateException("the management interface has not published its port"));
    }
}
