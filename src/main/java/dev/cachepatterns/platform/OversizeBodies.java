package dev.cachepatterns.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request that declares a body over {@code quarkus.http.limits.max-body-size} gets a 413 problem document, like every
 * other error, instead of Quarkus' empty 413. It runs just before Quarkus' own limit handler, which still stops a body
 * without Content-Length (chunked) that grows too large (that 413 has no body).
 */
@ApplicationScoped
public class OversizeBodies {

    private final long maxBytes;
    private final ObjectMapper mapper;

    public OversizeBodies(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize, ObjectMapper mapper) {
        this.maxBytes = maxBodySize.asLongValue();
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && isOver(declared.trim())) {
            reject(context);
            return;
        }
        context.next();
    }

    private boolean isOver(String declared) {
        // More digits than a long holds is over any limit; non-digits are left to the HTTP codec.
        if (declared.isEmpty() || !declared.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return declared.length() > 18 || Long.parseLong(declared) > maxBytes;
    }

    private void reject(RoutingContext context) {
        Problem problem = Problem.of(413, "Request Entity Too Large", "The body is larger than " + maxBytes + " bytes.")
                .withInstance(context.request().path());
        String body;
        try {
            body = mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "";
        }
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
