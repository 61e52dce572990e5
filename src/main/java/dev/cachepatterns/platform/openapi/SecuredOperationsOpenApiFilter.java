package dev.cachepatterns.platform.openapi;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Declares in the OpenAPI document what the {@code writes} permission of {@code application.properties} enforces:
 * every POST, PUT, PATCH and DELETE needs a bearer JWT with the role {@code writer} (security requirement
 * {@value #SCHEME}) and can answer 401 and 403 as problem documents. The rule is by method, like the permission, so a
 * new write endpoint is documented as secured without an annotation; {@code WriteAuthorizationTest} checks both agree.
 * The demos ({@code /demo/*}, exempt) are hidden from the document.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class SecuredOperationsOpenApiFilter implements OASFilter {

    public static final String SCHEME = "bearer";
    static final Set<PathItem.HttpMethod> WRITES = Set.of(
            PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT, PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);
    private static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSecurityScheme(
                SCHEME,
                OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("A JWT signed by the key in mp.jwt.verify.publickey.location, from the issuer in"
                                + " mp.jwt.verify.issuer. State-changing operations need the role `writer` in its"
                                + " `groups` claim; reads are open."));
        if (components.getSchemas() == null || !components.getSchemas().containsKey(PROBLEM)) {
            components.addSchema(PROBLEM, minimalProblem());
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            Map<PathItem.HttpMethod, Operation> operations = item.getOperations();
            if (operations == null) {
                continue;
            }
            operations.forEach((method, operation) -> {
                if (WRITES.contains(method)) {
                    secure(operation);
                }
            });
        }
    }

    private static void secure(Operation operation) {
        operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(SCHEME)));
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        responses.addAPIResponse(
                "401",
                problem("No bearer token, or one that is malformed, expired, from another issuer or wrongly signed")
                        .addHeader(
                                "WWW-Authenticate",
                                OASFactory.createHeader()
                                        .description("The RFC 6750 challenge: `Bearer`, with"
                                                + " `error=\"invalid_token\"` when a token was sent")
                                        .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING))));
        responses.addAPIResponse("403", problem("The bearer token is valid but lacks the role `writer`"));
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent()
                        .addMediaType(
                                PROBLEM_JSON,
                                OASFactory.createMediaType()
                                        .schema(OASFactory.createSchema().ref(PROBLEM))));
    }

    // Only if no other part of the build declared one: the RFC 7807 fields of platform/Problem.
    private static Schema minimalProblem() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 7807 problem document, the body of every error response")
                .addProperty("type", string)
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("instance", string)
                .required(List.of("title", "status"));
    }
}
