package dev.cachepatterns.platform;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Platform types that Jackson writes outside a REST method signature (bodies written by exception mappers), registered for reflection so a native image serializes them too. Quarkus registers the types of resource
 * methods by itself; a value cached as JSON by the cache layer is not seen that way, so each example registers its own
 * cached records with {@code @RegisterForReflection} (nothing here may name an example: examples can be deleted).
 */
@RegisterForReflection(targets = {Problem.class, Problem.Violation.class})
public final class NativeReflection {

    private NativeReflection() {}
}
