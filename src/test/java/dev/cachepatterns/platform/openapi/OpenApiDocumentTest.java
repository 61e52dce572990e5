package dev.cachepatterns.platform.openapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed {@code docs/openapi.yaml} is the document the service serves at {@code /q/openapi}: the linter
 * (src/test/openapi/lint.sh) and the generated client (pom.xml, openapi-generator) read the committed file, so it
 * must not drift. After a change of the API, regenerate it with
 * {@code ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.export=true} and commit the result.
 */
@QuarkusTest
class OpenApiDocumentTest {

    static final Path COMMITTED = Path.of("docs/openapi.yaml");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theCommittedDocumentIsTheServedOne() throws IOException {
        String served = given().accept("application/yaml")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        if (Boolean.getBoolean("openapi.export")) {
            Files.writeString(COMMITTED, served);
        }
        assertThat(COMMITTED)
                .as("docs/openapi.yaml is missing: ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.export=true")
                .exists();
        JsonNode committed = YAML.readTree(Files.readString(COMMITTED));
        assertThat(committed)
                .as("docs/openapi.yaml differs from the document served at /q/openapi; regenerate it with"
                        + " ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.export=true and commit it")
                .isEqualTo(YAML.readTree(served));
    }
}
