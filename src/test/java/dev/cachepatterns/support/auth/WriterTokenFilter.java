package dev.cachepatterns.support.auth;

import java.util.Set;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Gives every RestAssured write (POST, PUT, PATCH, DELETE) without an Authorization header a {@code writer} token, so
 * the tests that write need not say so; reads go without one, which keeps proving that reads are open. A test about
 * authorization opts out with {@code given().noFiltersOfType(WriterTokenFilter.class)} or sets its own header.
 * Installed for every {@code @QuarkusTest} by {@link InstallWriterToken}.
 */
public final class WriterTokenFilter implements Filter {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** Adds the filter to RestAssured's defaults once. */
    public static synchronized void install() {
        if (RestAssured.filters().stream().noneMatch(WriterTokenFilter.class::isInstance)) {
            RestAssured.filters(new WriterTokenFilter());
        }
    }

    @Override
    public Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext context) {
        if (WRITES.contains(request.getMethod().toUpperCase())
                && !request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", Tokens.bearerWriter());
        }
        return context.next(request, response);
    }
}
