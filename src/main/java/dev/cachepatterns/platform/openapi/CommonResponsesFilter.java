package dev.cachepatterns.platform.openapi;

import java.util.ArrayList;
import java.util.Map;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Adds to every operation the answers that come from platform code rather than from the resource, so no resource has
 * to repeat them (the responses themselves are in {@code META-INF/openapi.yaml}):
 *
 * <ul>
 *   <li>every operation: 406 when Accept names nothing it answers with, 414 from the HTTP layer for an overlong
 *       request line, and 500, a problem document ({@code ProblemMappers.unexpected});
 *   <li>every operation that takes a body: 400 (malformed JSON, unknown or invalid fields) and 415 (not JSON);
 *   <li>every POST, PUT, PATCH and DELETE: 413, a declared body over the limit ({@code OversizeBodies});
 *   <li>an operation that states no security requirement is open: {@code security: []}.
 * </ul>
 *
 * What an operation answers itself (its success, 404, 409, 503...) is stated on the resource.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class CommonResponsesFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry :
                    item.getOperations().entrySet()) {
                complete(entry.getKey(), entry.getValue());
            }
        }
    }

    private static void complete(PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        if (operation.getRequestBody() != null) {
            addIfAbsent(responses, "400", "BadRequest");
            addIfAbsent(responses, "415", "UnsupportedMediaType");
        }
        if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD) {
            addIfAbsent(responses, "413", "PayloadTooLarge");
        }
        addIfAbsent(responses, "406", "NotAcceptable");
        addIfAbsent(responses, "414", "UriTooLong");
        addIfAbsent(responses, "500", "InternalServerError");
        if (operation.getSecurity() == null) {
            operation.setSecurity(new ArrayList<>());
        }
    }

    private static void addIfAbsent(APIResponses responses, String status, String component) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().ref("#/components/responses/" + component));
        }
    }
}
