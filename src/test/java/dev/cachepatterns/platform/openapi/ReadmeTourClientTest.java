package dev.cachepatterns.platform.openapi;

import java.net.URI;
import java.util.UUID;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.auth.Tokens;
import dev.cachepatterns.support.client.ApiClient;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

/**
 * The README's five-minute tour, run through the typed client that openapi-generator makes from the committed {@code
 * docs/openapi.yaml} (pom.xml, generated into target/generated-test-sources/openapi): a client generated from the
 * published document works against the service. Each example present runs its own steps ({@link
 * ExampleUnderTest#tour}); the page's numbers come last, with the caches the tour used.
 */
@QuarkusTest
class ReadmeTourClientTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void theFiveMinuteTourRunsThroughTheGeneratedClient() throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri(root.toString().replaceAll("/$", ""));
        // The tour's writes need the writer role (the document's bearer scheme); reads accept the header too.
        client.setRequestInterceptor(request -> request.header("Authorization", Tokens.bearerWriter()));
        String label = UUID.randomUUID().toString().substring(0, 8);
        for (ExampleUnderTest example : Examples.all()) {
            example.tour(client, label);
        }
    }
}
