package dev.cachepatterns.platform;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.cachepatterns.cache.core.LoadRejectedException;
import dev.cachepatterns.cache.core.SourceTimeoutException;
import dev.cachepatterns.cache.core.SourceUnavailableException;

/**
 * Maps every failure to an RFC 7807 problem. Bad input is a 4xx with a useful detail; an unavailable database is a 503
 * with Retry-After; only a bug is a 500.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        Response.ResponseBuilder builder = respond(Problem.of(e.status(), e.title(), e.getMessage()), request);
        if (e.retryAfterSeconds() != null) {
            builder.header("Retry-After", e.retryAfterSeconds());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        String title = Response.Status.fromStatusCode(status) == null
                ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = e.getCause() instanceof JsonProcessingException json ? jsonDetail(json) : e.getMessage();
        return respond(Problem.of(status, title, detail), request).build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response constraintViolation(ConstraintViolationException e, HttpServerRequest request) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(fieldOf(v), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        String detail =
                violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; "));
        Problem problem = Problem.of(400, "Bad Request", detail).withViolations(violations);
        return respond(problem, request).build();
    }

    @ServerExceptionMapper
    public Response validation(ValidationException e, HttpServerRequest request) {
        return respond(Problem.of(400, "Bad Request", e.getMessage()), request).build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return respond(Problem.of(400, "Bad Request", jsonDetail(e)), request).build();
    }

    // quarkus-rest-jackson ships its own mapper for this subtype; this one answers with a problem document instead.
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedInput(MismatchedInputException e, HttpServerRequest request) {
        return json(e, request);
    }

    @ServerExceptionMapper
    public Response loadRejected(LoadRejectedException e, HttpServerRequest request) {
        return respond(Problem.of(503, "Service Unavailable", "The database is saturated; retry shortly."), request)
                .header("Retry-After", 1)
                .build();
    }

    // A Postgres call passed its deadline (hung or saturated database); the call was abandoned, its session ended.
    @ServerExceptionMapper
    public Response sourceTimeout(SourceTimeoutException e, HttpServerRequest request) {
        return databaseUnavailable(request, "The database did not answer in time; retry shortly.");
    }

    // The pool's wait queue is full (cache.source.max-waiting): answered at once instead of queueing.
    @ServerExceptionMapper
    public Response poolTooBusy(ConnectionPoolTooBusyException e, HttpServerRequest request) {
        return respond(Problem.of(503, "Service Unavailable", "The database is saturated; retry shortly."), request)
                .header("Retry-After", 1)
                .build();
    }

    @ServerExceptionMapper
    public Response database(PgException e, HttpServerRequest request) {
        if ("23505".equals(e.getSqlState())) {
            return respond(
                            Problem.of(409, "Conflict", "A resource with the same unique value already exists."),
                            request)
                    .build();
        }
        if (e.getSqlState() != null && e.getSqlState().startsWith("22")) {
            return respond(Problem.of(400, "Bad Request", "A value is out of range for its field."), request)
                    .build();
        }
        if (e.getSqlState() != null
                && (e.getSqlState().startsWith("08")
                        || e.getSqlState().startsWith("57P")
                        // query_canceled: the server's statement_timeout, or the cancel request sent at a deadline.
                        || e.getSqlState().equals("57014"))) {
            return databaseUnavailable(request);
        }
        LOG.error("database error", e);
        return respond(Problem.of(500, "Internal Server Error", "Unexpected database error."), request)
                .build();
    }

    @ServerExceptionMapper
    public Response connect(ConnectException e, HttpServerRequest request) {
        return databaseUnavailable(request);
    }

    @ServerExceptionMapper
    public Response closed(ClosedConnectionException e, HttpServerRequest request) {
        return databaseUnavailable(request);
    }

    @ServerExceptionMapper
    public Response sourceUnavailable(SourceUnavailableException e, HttpServerRequest request) {
        return databaseUnavailable(request);
    }

    @ServerExceptionMapper
    public Response timeout(TimeoutException e, HttpServerRequest request) {
        return databaseUnavailable(request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        if (isConnectionFailure(e)) {
            return databaseUnavailable(request);
        }
        LOG.error("unexpected failure", e);
        return respond(Problem.of(500, "Internal Server Error", "Unexpected error; it has been logged."), request)
                .build();
    }

    private static Response databaseUnavailable(HttpServerRequest request) {
        return databaseUnavailable(request, "The database is unavailable; retry shortly.");
    }

    private static Response databaseUnavailable(HttpServerRequest request, String detail) {
        return respond(Problem.of(503, "Service Unavailable", detail), request)
                .header("Retry-After", 2)
                .build();
    }

    // A connection problem wrapped in another failure. Time-outs are told by type only: every Postgres call on a
    // request
    // path goes through SourcePool, which turns its deadline (the pool's acquire time-out included) into
    // SourceTimeoutException.
    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof ClosedConnectionException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof SourceTimeoutException
                    || t instanceof SourceUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static Response.ResponseBuilder respond(Problem problem, HttpServerRequest request) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.withInstance(request == null ? null : request.path()));
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // Method-level paths look like "create.user.email"; callers know the field as "email".
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String jsonDetail(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "Unknown field '" + unknown.getPropertyName() + "'";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "Invalid value for field '" + field + "'";
        }
        return "Malformed JSON body";
    }
}
