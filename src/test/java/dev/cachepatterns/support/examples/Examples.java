package dev.cachepatterns.support.examples;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import dev.cachepatterns.support.LoadDriver;

/** The examples present in this build, found through {@link ServiceLoader}, in the order of their names. */
public final class Examples {

    private static final List<ExampleUnderTest> ALL = ServiceLoader.load(ExampleUnderTest.class).stream()
            .map(ServiceLoader.Provider::get)
            .sorted(Comparator.comparing(ExampleUnderTest::name))
            .toList();

    private Examples() {}

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
