package dev.cachepatterns.platform.units;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

import io.smallrye.common.classloader.ClassPathUtils;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Loads the configuration section of every unit present: {@code units/<name>/application.properties} on the classpath
 * (the build copies each unit's {@code units/<name>/} files there). A unit brings its settings with it, so adding or
 * leaving out a unit never edits a shared file, and nothing here names a unit. The service's own {@code
 * application.properties} (250) wins over a unit's file, and environment variables (300) over both.
 */
public class UnitsConfigSourceFactory implements ConfigSourceFactory {

    /** Where the build puts the units' files on the classpath. */
    static final String ROOT = "units";

    static final String FILE = "application.properties";

    /** Just below application.properties (250), so the service's own file can override a unit's default. */
    static final int ORDINAL = 245;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<ConfigSource> sources = new ArrayList<>();
        try {
            ClassPathUtils.consumeAsPaths(classLoader(), ROOT, root -> sources.addAll(sectionsUnder(root)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the units' configuration under " + ROOT, e);
        }
        return sources;
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static List<ConfigSource> sectionsUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> units = Files.list(root)) {
            return units.map(unit -> unit.resolve(FILE))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .map(UnitsConfigSourceFactory::source)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the units under " + root, e);
        }
    }

    private static ConfigSource source(Path file) {
        try {
            URL url = file.toUri().toURL();
            return new PropertiesConfigSource(url, ORDINAL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : UnitsConfigSourceFactory.class.getClassLoader();
    }
}
