package dev.cachepatterns.support.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.cachepatterns.support.LoadDriver;

/**
 * The examples present in this build, in the order of their names: every test class named {@code *UnderTest} that
 * implements {@link ExampleUnderTest}. Found on the test classpath rather than listed anywhere, so adding or leaving out
 * a unit edits no shared file.
 */
public final class Examples {

    private static final List<ExampleUnderTest> ALL = discover();

    private Examples() {}

    private static List<ExampleUnderTest> discover() {
        Path root = testClassesRoot();
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(file -> root.relativize(file).toString())
                    .filter(name -> name.endsWith("UnderTest.class"))
                    .map(name ->
                            name.substring(0, name.length() - ".class".length()).replace(separator(root), "."))
                    .map(Examples::load)
                    .filter(type -> ExampleUnderTest.class.isAssignableFrom(type)
                            && !type.isInterface()
                            && !Modifier.isAbstract(type.getModifiers()))
                    .map(Examples::instantiate)
                    .sorted(Comparator.comparing(ExampleUnderTest::name))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory this class was loaded from: the build's test classes. */
    private static Path testClassesRoot() {
        String resource = Examples.class.getName().replace('.', '/') + ".class";
        URL url = Examples.class.getClassLoader().getResource(resource);
        if (url == null || !"file".equals(url.getProtocol())) {
            throw new IllegalStateException("test classes are not in a directory: " + url);
        }
        try {
            Path path = Path.of(url.toURI());
            for (int i = 0; i < resource.split("/").length; i++) {
                path = path.getParent();
            }
            return path;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String separator(Path root) {
        return root.getFileSystem().getSeparator();
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Examples.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExampleUnderTest instantiate(Class<?> type) {
        try {
            return (ExampleUnderTest) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName(), e);
        }
    }

    public static List<ExampleUnderTest> all() {
        return ALL;
    }

    public static boolean none() {
        return ALL.isEmpty();
    }

    /** Every cache of every example present. */
    public static List<String> caches() {
        return ALL.stream().flatMap(e -> e.caches().stream()).toList();
    }

    /** The settings every example present contributes, e.g. {@code Examples.settings(ExampleUnderTest::everythingOn)}. */
    public static Map<String, String> settings(Function<ExampleUnderTest, Map<String, String>> contribution) {
        Map<String, String> all = new HashMap<>();
        ALL.forEach(example -> all.putAll(contribution.apply(example)));
        return all;
    }

    /** Every state-changing endpoint of every example present. */
    public static List<Endpoint> writeEndpoints() {
        return ALL.stream().flatMap(e -> e.writeEndpoints().stream()).toList();
    }

    /** One scenario per example present, prepared and warm. */
    public static Scenarios prepare(String label) {
        return new Scenarios(ALL.stream().map(e -> e.prepare(label)).toList());
    }

    /** The scenarios of all examples as one mixed load: call {@code n} goes to scenario {@code n % size}. */
    public record Scenarios(List<Scenario> each) {

        public LoadDriver.Call call(LoadDriver driver, long n) {
            return each.get((int) (n % each.size())).call(driver, n / each.size());
        }

        /** The {@code n}-th never-cached read, taken from each example in turn. */
        public LoadDriver.Call uncachedRead(LoadDriver driver, long n) {
            return ALL.get((int) (n % ALL.size())).uncachedRead(driver, n / ALL.size());
        }

        public Role role(String label) {
            return label.endsWith(".miss") ? Role.UNCACHED_READ : owner(label).role(label);
        }

        public int success(String label) {
            return owner(label).success(label);
        }

        public void warm() {
            each.forEach(Scenario::warm);
        }

        public List<String> cachedKeys() {
            return each.stream().flatMap(s -> s.cachedKeys().stream()).toList();
        }

        public List<String> singleKeyLoads() {
            return each.stream().flatMap(s -> s.singleKeyLoads().stream()).toList();
        }

        public Stream<Scenario> stream() {
            return each.stream();
        }

        private Scenario owner(String label) {
            int index =
                    ALL.stream().map(ExampleUnderTest::name).toList().indexOf(label.substring(0, label.indexOf('.')));
            if (index < 0) {
                throw new IllegalArgumentException("no example owns label " + label);
            }
            return each.get(index);
        }
    }
}
