package dev.cachepatterns.platform.security;

import jakarta.ws.rs.core.Response;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.cachepatterns.platform.Problem;

/**
 * 401 and 403 as problem documents, like every other error. They reach JAX-RS because the {@code writes} permission
 * is checked there ({@code applies-to=JAXRS}) and tokens are verified only when a role is needed
 * ({@code quarkus.http.auth.proactive=false}). A 401 carries the RFC 6750 challenge.
 */
public class SecurityProblems {

    static final String ROLE = "writer";

    @ServerExceptionMapper
    public Response noToken(UnauthorizedException e, HttpServerRequest request) {
        return unauthorized(
                request, "Bearer", "This request changes state: it needs a bearer token with the role " + ROLE + ".");
    }

    @ServerExceptionMapper
    public Response badToken(AuthenticationFailedException e, HttpServerRequest request) {
        return unauthorized(
                request,
                "Bearer error=\"invalid_token\"",
                "The bearer token is not valid here: malformed, expired, from another issuer or not signed by a trusted"
                        + " key.");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return respond(Problem.of(403, "Forbidden", "The bearer token lacks the role " + ROLE + "."), request)
                .build();
    }

    private static Response unauthorized(HttpServerRequest request, String challenge, String detail) {
        return respond(Problem.of(401, "Unauthorized", detail), request)
                .header("WWW-Authenticate", challenge)
                .build();
    }

    private static Response.ResponseBuilder respond(Problem problem, HttpServerRequest request) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.withInstance(request == null ? null : request.path()));
    }
}
