package dev.cachepatterns.showcase.demo;

import io.smallrye.mutiny.Uni;

/**
 * A one-click scenario on the page at {@code /}: a bounded run against this instance's own services, in-process (never
 * a URL, so never another host). Each example contributes its own as a bean, so deleting an example deletes its demos
 * and the page shows what is left. {@link DemoRunner} enforces the bounds: {@code size} within {@code 1..maxSize}, one
 * run at a time per instance, a pause between runs, and a time limit.
 */
public interface Demo {

    /** Its id (the path segment of {@code POST /demo/{id}}), what the page shows, and its sizes. */
    DemoInfo info();

    Uni<DemoResult> run(int size);
}
