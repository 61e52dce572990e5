package dev.cachepatterns.platform.localservices;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Whether a Docker or Podman engine answers, in which case Quarkus Dev Services can start containers. */
final class ContainerEngine {

    private ContainerEngine() {}

    static boolean reachable() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return !dockerHost.startsWith("unix://") || connects(Path.of(dockerHost.substring("unix://".length())));
        }
        List<Path> sockets =
                new ArrayList<>(List.of(Path.of("/var/run/docker.sock"), Path.of("/run/podman/podman.sock")));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            sockets.add(Path.of(runtimeDir, "podman", "podman.sock"));
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        sockets.add(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
        return sockets.stream().anyMatch(ContainerEngine::connects);
    }

    private static boolean connects(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return channel.isConnected();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
