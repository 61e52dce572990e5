package dev.cachepatterns.showcase;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.LaunchMode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the page at {@code /} and its scripts and styles from the showcase unit's own files ({@code
 * units/showcase/web}, on the classpath under the same path), so leaving the showcase out of a service removes the page
 * with it. Only {@code /} and single file names with a web extension are routed here; every other path goes on to the
 * API, and a name this unit has no file for goes on as well (404 there).
 */
@ApplicationScoped
public class ShowcasePage {

    static final String WEB_ROOT = "units/showcase/web";

    void route(@Observes Router router) {
        boolean dev = LaunchMode.current() == LaunchMode.DEVELOPMENT;
        StaticHandler files = StaticHandler.create(WEB_ROOT)
                .setIndexPage("index.html")
                .setCachingEnabled(!dev)
                .setFilesReadOnly(!dev);
        router.getWithRegex("/([a-z-]+\\.(html|js|css|png))?").handler(files);
    }
}
