package dev.cachepatterns.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM, the orchestrators' stop (docker/podman stop, a Kubernetes pod deletion, systemd), ends the packaged app with
 * exit status 0 after the same orderly stop as before (shutdown observers, the write-behind drain). Without this the
 * JVM's own handler exits with 143 (128 + SIGTERM) after its shutdown hooks, and every planned stop reads as a failure
 * (Kubernetes records reason "Error", systemd a failed unit). {@code sun.misc.Signal} is the JDK's supported way to
 * handle a signal (module jdk.unsupported, kept for exactly this; Quarkus' own native-mode handler uses it). Only the
 * packaged app (launch mode NORMAL) installs it: dev mode and test JVMs keep the JVM's behaviour. A SIGTERM before the
 * app has started still ends it with 143. docs/operations.md#stopping
 */
@ApplicationScoped
class TerminationSignal {

    private static final Logger LOG = Logger.getLogger(TerminationSignal.class);

    void install(@Observes StartupEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        try {
            Signal.handle(new Signal("TERM"), signal -> {
                LOG.info("SIGTERM: stopping (exit status 0 once stopped)");
                Quarkus.asyncExit(0);
            });
        } catch (IllegalArgumentException e) {
            // -Xrs, or a platform without SIGTERM: the JVM's default handling stays.
            LOG.debugf("SIGTERM handler not installed: %s", e.getMessage());
        }
    }
}
