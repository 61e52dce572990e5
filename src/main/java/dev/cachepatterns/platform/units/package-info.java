/**
 * Units: the parts a service is assembled from ({@code units/<name>/}, each with its Java package). The platform knows
 * none by name; it loads what each brings to the running service (its configuration section; its migrations are found
 * by Flyway under the same classpath root).
 */
package dev.cachepatterns.platform.units;
