package io.palmreader;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The packages' layers, checked on the compiled classes: what they link to, whether through an import, a fully
 * qualified name or a nested type. README's "Layout" section states the same layers.
 */
@DisplayName("Layers point one way: a package uses only the layers below its own, and vision nothing of the project")
class LayersTest {

    private static final String ROOT = "io.palmreader";

    /**
     * Bottom to top. Packages on one layer are independent of each other. {@code node} deploys {@code gateway}'s
     * verticle by name from {@code verticles/*.json}, not by reference, but starts the whole node, so it sits above.
     */
    static final List<List<String>> LAYERS = List.of(
            List.of("vision"),
            List.of("gesture"),
            List.of("config", "observability", "protocol"),
            List.of("store", "eventlog"),
            List.of("inference", "assistant"),
            List.of("session"),
            List.of("gateway"),
            List.of("node"),
            List.of("cli"));

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    @DisplayName("vision, the pipeline the CLI uses alone, depends on no other package of the project")
    void visionStandsAlone() {
        String vision = ROOT + ".vision..";
        assertNoViolation(List.of(noClasses()
                .that()
                .resideInAPackage(vision)
                .should()
                .dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAPackage(vision))))));
    }

    @Test
    @DisplayName("no package depends on a package of its own layer or of one above it")
    void noUpwardDependency() {
        List<ArchRule> rules = new ArrayList<>();
        for (int layer = 0; layer < LAYERS.size(); layer++) {
            List<String> sameOrAbove = new ArrayList<>();
            LAYERS.subList(layer, LAYERS.size()).forEach(sameOrAbove::addAll);
            for (String pkg : LAYERS.get(layer)) {
                String[] forbidden = sameOrAbove.stream()
                        .filter(p -> !p.equals(pkg))
                        .map(p -> ROOT + "." + p + "..")
                        .toArray(String[]::new);
                if (forbidden.length > 0) {
                    rules.add(noClasses()
                            .that()
                            .resideInAPackage(ROOT + "." + pkg + "..")
                            .should()
                            .dependOnClassesThat()
                            .resideInAnyPackage(forbidden));
                }
            }
        }
        assertNoViolation(rules);
    }

    @Test
    @DisplayName("every package has its layer: a new one must be placed before it can be used")
    void everyPackageIsPlaced() {
        Set<String> placed = LAYERS.stream().flatMap(List::stream).collect(Collectors.toCollection(TreeSet::new));
        Set<String> found = new TreeSet<>();
        for (JavaClass c : classes) {
            String rest =
                    c.getPackageName().equals(ROOT) ? "" : c.getPackageName().substring(ROOT.length() + 1);
            found.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
        }
        assertEquals(
                placed, found, "packages under " + ROOT + " (\"\" is the root package itself, which should be empty)");
    }

    @Test
    @DisplayName("README's Layout section lists these layers, bottom to top")
    void readmeStatesTheLayers() throws IOException {
        String layers = LAYERS.stream()
                .map(layer -> layer.stream().map(p -> "`" + p + "`").collect(Collectors.joining(", ")))
                .collect(Collectors.joining(" → "));
        String readme = Files.readString(Path.of("README.md"));
        String layout = readme.substring(readme.indexOf("## Layout"));
        assertTrue(layout.replaceAll("\\s+", " ").contains(layers), "README's Layout section should state: " + layers);
    }

    private static void assertNoViolation(List<ArchRule> rules) {
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : rules) {
            EvaluationResult result = rule.evaluate(classes);
            if (result.hasViolation()) {
                violations.addAll(result.getFailureReport().getDetails());
            }
        }
        assertTrue(
                violations.isEmpty(),
                () -> violations.size() + " dependencies against the layers:\n" + String.join("\n", violations));
    }
}
