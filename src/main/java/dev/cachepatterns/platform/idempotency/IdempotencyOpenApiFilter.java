package dev.cachepatterns.platform.idempotency;

import java.util.List;
import java.util.Map;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents {@code Idempotency-Key} on every operation that takes it, so a resource only declares the header parameter
 * ({@code @HeaderParam(Idempotency.HEADER)}): the parameter becomes the shared {@code IdempotencyKey} one (format and
 * meaning), 409 the shared {@code IdempotencyConflict} (also "a request with this key is in progress", with
 * Retry-After), 422 {@code IdempotencyKeyReused}, and each 2xx gets the {@code Idempotent-Replayed} header. The shared
 * parts are in {@code META-INF/openapi.yaml}.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class IdempotencyOpenApiFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                if (takesKey(operation)) {
                    document(operation);
                }
            }
        }
    }

    private static boolean takesKey(Operation operation) {
        return operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(IdempotencyOpenApiFilter::isKey);
    }

    private static boolean isKey(Parameter parameter) {
        return parameter.getIn() == Parameter.In.HEADER && Idempotency.HEADER.equalsIgnoreCase(parameter.getName());
    }

    private static void document(Operation operation) {
        List<Parameter> parameters = new java.util.ArrayList<>(operation.getParameters());
        parameters.replaceAll(
                p -> isKey(p) ? OASFactory.createParameter().ref("#/components/parameters/IdempotencyKey") : p);
        operation.setParameters(parameters);
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        var responses = operation.getResponses();
        responses.addAPIResponse("409", ref("IdempotencyConflict"));
        responses.addAPIResponse("422", ref("IdempotencyKeyReused"));
        if (!responses.hasAPIResponse("400")) {
            responses.addAPIResponse("400", ref("BadRequest"));
        }
        if (!responses.hasAPIResponse("503")) {
            responses.addAPIResponse("503", ref("ServiceUnavailable"));
        }
        for (Map.Entry<String, APIResponse> entry : responses.getAPIResponses().entrySet()) {
            if (entry.getKey().startsWith("2") && entry.getValue().getRef() == null) {
                entry.getValue()
                        .addHeader(
                                Idempotency.REPLAYED_HEADER,
                                OASFactory.createHeader().ref("#/components/headers/Idempotent-Replayed"));
            }
        }
    }

    private static APIResponse ref(String component) {
        return OASFactory.createAPIResponse().ref("#/components/responses/" + component);
    }
}
