package dev.cachepatterns.support.auth;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/** Registered in {@code META-INF/services}: every {@code @QuarkusTest} writes with a {@code writer} token. */
public class InstallWriterToken implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        WriterTokenFilter.install();
    }
}
