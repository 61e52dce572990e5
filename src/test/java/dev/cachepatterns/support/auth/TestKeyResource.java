package dev.cachepatterns.support.auth;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Makes the app of a {@code @QuarkusIntegrationTest} (the packaged jar, prod profile) trust the test key: without a
 * key it refuses to start.
 */
public class TestKeyResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        WriterTokenFilter.install();
        return Map.of(
                "mp.jwt.verify.publickey.location",
                Tokens.publicKeyFile().toString(),
                "mp.jwt.verify.issuer",
                Tokens.ISSUER);
    }

    @Override
    public void stop() {}
}
