package dev.cachepatterns.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that is public only because sibling packages of the cache layer share it. It is not part of the surface a
 * service calls and may change without notice; {@code ArchitectureTest} fails the build when code outside {@code
 * cache} uses one.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Internal {}
