package dev.cachepatterns;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.Internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout a service relies on to be assembled from units (docs/units.md, {@code cache/package-info.java}): the cache
 * layer knows no unit and no platform code, platform knows no unit, no unit knows another (but a unit's {@code demo}
 * subpackage, which comes only with the showcase, may use the showcase), the types marked {@link Internal} are used only
 * inside the cache layer, the strategy tests need no unit, and no main source file is over 400 lines. Units are every
 * top-level package other than {@code cache} and {@code platform}, so the rules hold for whichever units are present.
 */
class ArchitectureTest {

    private static final String ROOT = ArchitectureTest.class.getPackageName();
    private static final int MAX_LINES = 400;
    /** The unit whose demo interface the other units' demo subpackages implement. */
    private static final String SHOWCASE = "showcase";

    private static JavaClasses main;
    private static JavaClasses all;
    private static Set<String> examples;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        all = new ClassFileImporter().importPackages(ROOT);
        examples = new TreeSet<>();
        for (JavaClass type : main) {
            String rest = type.getPackageName().substring(ROOT.length());
            if (rest.startsWith(".")) {
                String top = rest.substring(1).split("\\.")[0];
                if (!top.equals("cache") && !top.equals("platform")) {
                    examples.add(top);
                }
            }
        }
    }

    @Test
    void theCacheLayerKnowsNoExampleAndNoPlatformCode() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".cache..")
                .should()
                .dependOnClassesThat(inExampleOrPlatform())
                .check(main);
    }

    @Test
    void platformKnowsNoExample() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".platform..")
                .should()
                .dependOnClassesThat(inAnExample())
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void noUnitKnowsAnother() {
        for (String example : examples) {
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + "." + example + "..")
                    .and()
                    .resideOutsideOfPackage(ROOT + "." + example + ".demo..")
                    .should()
                    .dependOnClassesThat(inAnExampleOtherThan(example))
                    .allowEmptyShould(true)
                    .check(all);
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + "." + example + ".demo..")
                    .should()
                    .dependOnClassesThat(inAnExampleOtherThan(example, SHOWCASE))
                    .allowEmptyShould(true)
                    .check(all);
        }
    }

    @Test
    void internalTypesAreUsedOnlyInsideTheCacheLayer() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".cache..")
                .should()
                .dependOnClassesThat()
                .areAnnotatedWith(Internal.class)
                .check(main);
    }

    // A library's impl package is not its API: a service that takes the layer must survive the library's upgrade.
    @Test
    void mainCodeUsesNoLibrarysImplPackage() {
        noClasses().should().dependOnClassesThat().resideInAPackage("..impl..").check(main);
    }

    @Test
    void theStrategyTestsNeedNoExample() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".cache..")
                .should()
                .dependOnClassesThat(inExampleOrPlatform())
                .check(all);
    }

    @Test
    void noMainSourceFileIsOverFourHundredLines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> tooLong = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> lines(file) > MAX_LINES)
                    .map(file -> file + " (" + lines(file) + " lines)")
                    .toList();
            assertThat(tooLong).isEmpty();
        }
    }

    @Test
    void everyExampleUnitIsAnExampleOfTheTests() throws IOException {
        // The cross-cutting tests only cover the examples that have an ExampleUnderTest (support/examples/Examples).
        Set<String> registered = new TreeSet<>();
        dev.cachepatterns.support.examples.Examples.all()
                .forEach(example ->
                        registered.add(example.getClass().getPackageName().substring(ROOT.length() + 1)));
        Set<String> exampleUnits = new TreeSet<>();
        try (Stream<Path> units = Files.list(Path.of("units"))) {
            for (Path unit : units.toList()) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(unit.resolve("unit.properties"))) {
                    properties.load(reader);
                }
                if ("example".equals(properties.getProperty("kind"))) {
                    exampleUnits.add(
                            properties.getProperty("package", unit.getFileName().toString()));
                }
            }
        } catch (java.nio.file.NoSuchFileException none) {
            // a service with no unit
        }
        assertThat(registered).isEqualTo(exampleUnits);
        assertThat(examples).containsAll(exampleUnits);
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static DescribedPredicate<JavaClass> inAnExample() {
        return DescribedPredicate.describe(
                "belong to an example " + examples, type -> examples.contains(topPackage(type)));
    }

    private static DescribedPredicate<JavaClass> inExampleOrPlatform() {
        return DescribedPredicate.describe("belong to an example or to platform", type -> {
            String top = topPackage(type);
            return examples.contains(top) || "platform".equals(top);
        });
    }

    private static DescribedPredicate<JavaClass> inAnExampleOtherThan(String... allowed) {
        Set<String> own = new TreeSet<>(List.of(allowed));
        return DescribedPredicate.describe("belong to another unit than " + own, type -> {
            String top = topPackage(type);
            return examples.contains(top) && !own.contains(top);
        });
    }

    private static String topPackage(JavaClass type) {
        String name = type.getPackageName();
        if (!name.startsWith(ROOT + ".")) {
            return "";
        }
        return name.substring(ROOT.length() + 1).split("\\.")[0];
    }
}
