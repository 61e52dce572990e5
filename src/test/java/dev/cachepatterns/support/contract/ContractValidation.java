package dev.cachepatterns.support.contract;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.ApiOperationMatch;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * The contract test: a RestAssured filter, installed for every test ({@link ContractExtension}), that checks each
 * exchange against the OpenAPI document the service under test serves at {@code /q/openapi}, with Atlassian's
 * swagger-request-validator. The test fails when the service answers a status, a header, a body field or a media type
 * that the document does not declare for the operation, and when it accepts (2xx/3xx) a request that the document
 * says is invalid. A request the service refuses (4xx) is expected to be invalid, so only its answer is checked. A
 * request for an operation the document does not have must be refused with 404 or 405.
 *
 * <p>Two checks go beyond the library's: an object schema that does not say otherwise is read as closed
 * ({@code additionalProperties: false}, only here, not in the published document), so an undeclared field fails; and
 * every response header outside the HTTP framing ones must be declared on the response.
 */
public final class ContractValidation implements OrderedFilter {

    static final String VALIDATED = "contract.exchanges.validated";
    static final String EXEMPT = "contract.exchanges.exempt";

    /** Headers of HTTP itself, which no API document declares. */
    private static final Set<String> FRAMING_HEADERS =
            Set.of("content-type", "content-length", "transfer-encoding", "connection", "date", "keep-alive");

    // One document per running service (scheme://host:port); empty when that origin is not this service.
    private static final Map<String, Optional<Contract>> CONTRACTS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ContractValidation() {}

    /** Adds the filter to RestAssured's global filters of this class loader, once. */
    public static synchronized void install() {
        if (RestAssured.filters().stream()
                .noneMatch(f -> f.getClass().getName().equals(ContractValidation.class.getName()))) {
            RestAssured.filters(new ContractValidation());
        }
    }

    /** Loads the document of the service RestAssured points at, when a Quarkus test has set its (random) port. */
    public static void warm() {
        ownOrigin().ifPresent(origin -> CONTRACTS.computeIfAbsent(origin, Contract::load));
    }

    /** The origin of the service a Quarkus test started (RestAssured's base URI and random port), if any. */
    private static Optional<String> ownOrigin() {
        if (RestAssured.port > 0
                && RestAssured.port != RestAssured.DEFAULT_PORT
                && RestAssured.baseURI.startsWith("http")) {
            URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/");
            return Optional.of(uri.getScheme() + "://" + uri.getRawAuthority());
        }
        return Optional.empty();
    }

    /**
     * What is not API, and so not in the document: Quarkus' own endpoints under /q (health, metrics, the document
     * itself: defined by MicroProfile and Prometheus, not by this service), the page's static files and the dev-only
     * demos (a tool for the page, hidden from the document on purpose and 404 outside dev mode). Null: validate.
     */
    static String exemption(String path) {
        if (path.startsWith("/q/") || path.equals("/q")) {
            return "Quarkus endpoint";
        }
        if (path.equals("/demo") || path.startsWith("/demo/")) {
            return "dev-only demo";
        }
        if (path.equals("/") || path.startsWith("/webjars/") || path.matches("/[^/]+\\.(html|js|css|png|svg|ico)")) {
            return "static file of the page";
        }
        return null;
    }

    @Override
    public int getOrder() {
        // Last: it sees the request as sent, after any other filter changed it.
        return Integer.MAX_VALUE;
    }

    @Override
    public Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification spec, FilterContext context) {
        Response response = context.next(request, spec);
        URI uri = URI.create(request.getURI());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        Optional<Contract> contract =
                exemption(path) == null ? CONTRACTS.computeIfAbsent(origin, Contract::load) : Optional.empty();
        if (contract.isEmpty()
                && exemption(path) == null
                && ownOrigin().filter(origin::equals).isPresent()) {
            // Another server (a proxy, a port of a test's own) may have no document; the service under test must.
            throw new AssertionError("contract: the service under test serves no OpenAPI document at " + origin
                    + "/q/openapi, so " + request.getMethod() + " " + path + " cannot be validated");
        }
        if (contract.isEmpty()) {
            increment(EXEMPT);
            return response;
        }
        List<String> problems = contract.get().check(path, request, response);
        if (!problems.isEmpty()) {
            String body = response.asString();
            throw new AssertionError("contract: " + request.getMethod() + " " + path + " answered "
                    + response.statusCode() + ", which the OpenAPI document (/q/openapi, docs/openapi.yaml) does not"
                    + " allow:\n  - " + String.join("\n  - ", problems)
                    + "\n  body: " + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
        }
        increment(VALIDATED);
        return response;
    }

    /** A count shared by every class loader of this JVM (each Quarkus start has its own copy of this class). */
    static long count(String name) {
        synchronized (System.getProperties()) {
            return Long.parseLong(System.getProperty(name, "0"));
        }
    }

    private static void increment(String name) {
        synchronized (System.getProperties()) {
            System.setProperty(name, String.valueOf(Long.parseLong(System.getProperty(name, "0")) + 1));
        }
    }

    private record Contract(OpenAPI api, OpenApiInteractionValidator validator, ApiOperationResolver operations) {

        static Optional<Contract> load(String origin) {
            String document;
            try {
                HttpResponse<String> reply = HTTP.send(
                        HttpRequest.newBuilder(URI.create(origin + "/q/openapi?format=json"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() != 200 || !reply.body().contains("\"openapi\"")) {
                    return Optional.empty();
                }
                document = reply.body();
            } catch (java.io.IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
            if (parsed.getOpenAPI() == null) {
                throw new IllegalStateException(
                        "the document served at " + origin + " does not parse: " + parsed.getMessages());
            }
            OpenAPI api = parsed.getOpenAPI();
            closeObjectSchemas(api);
            OpenApiInteractionValidator validator =
                    OpenApiInteractionValidator.createFor(api).build();
            return Optional.of(new Contract(api, validator, new ApiOperationResolver(api, null, false)));
        }

        @SuppressWarnings("rawtypes")
        private static void closeObjectSchemas(OpenAPI api) {
            if (api.getComponents() == null || api.getComponents().getSchemas() == null) {
                return;
            }
            for (Schema schema : api.getComponents().getSchemas().values()) {
                if (schema.getProperties() != null && schema.getAdditionalProperties() == null) {
                    schema.setAdditionalProperties(false);
                }
            }
        }

        List<String> check(String path, FilterableRequestSpecification request, Response response) {
            Request exchange = RestAssuredRequest.of(request);
            int status = response.statusCode();
            ApiOperationMatch match = operations.findApiOperation(path, exchange.getMethod());
            if (!match.isPathFound() || !match.isOperationAllowed()) {
                return status == 404 || status == 405
                        ? List.of()
                        : List.of("the document has no operation " + exchange.getMethod() + " " + path);
            }
            List<String> problems = new ArrayList<>();
            com.atlassian.oai.validator.model.Response answer = RestAssuredResponse.of(response);
            errors(validator.validateResponse(path, exchange.getMethod(), answer), "response", problems);
            if (status < 400) {
                // The service accepted the request: the document must accept it too.
                errors(validator.validateRequest(exchange), "request", problems);
            }
            undeclaredHeaders(match, status, response, problems);
            return problems;
        }

        private static void errors(ValidationReport report, String what, List<String> problems) {
            report.getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .forEach(m -> problems.add(what + ": " + m.getKey() + ": " + m.getMessage()));
        }

        private void undeclaredHeaders(ApiOperationMatch match, int status, Response response, List<String> problems) {
            ApiResponse declared =
                    match.getApiOperation().getOperation().getResponses().get(String.valueOf(status));
            if (declared == null) {
                return; // reported by the validator as an unknown status
            }
            if (declared.get$ref() != null) {
                declared = api.getComponents()
                        .getResponses()
                        .get(declared.get$ref().substring(declared.get$ref().lastIndexOf('/') + 1));
            }
            Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            if (declared != null && declared.getHeaders() != null) {
                names.addAll(declared.getHeaders().keySet());
            }
            response.getHeaders().asList().stream()
                    .map(h -> h.getName().toLowerCase(Locale.ROOT))
                    .distinct()
                    .filter(name -> !FRAMING_HEADERS.contains(name) && !names.contains(name))
                    .forEach(name -> problems.add("response header " + name + " is not declared for " + status));
        }
    }
}
