package dev.pingscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The packages depend on each other in one direction only: no cycle, the root package included. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.pingscope");

    /** One slice per package below dev.pingscope, and one for dev.pingscope itself (the composition root). */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (!name.startsWith("dev.pingscope")) {
                return SliceIdentifier.ignore();
            }
            String rest = name.equals("dev.pingscope") ? "(root)" : name.substring("dev.pingscope.".length());
            int dot = rest.indexOf('.');
            return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
        }

        @Override
        public String getDescription() {
            return "the packages of dev.pingscope";
        }
    };

    @Test
    void no_package_depends_on_itself_through_others() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void the_server_does_not_depend_on_the_command_line_or_the_prober() {
        noClasses().that().resideOutsideOfPackages("dev.pingscope.cli..", "dev.pingscope.prober..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pingscope.cli..", "dev.pingscope.prober..")
                .check(MAIN);
    }

    /** One small record per area and one mixin each: none grows into the 640-line configuration it replaced. */
    @Test
    void each_configuration_file_stays_small() throws Exception {
        Path main = Repository.root().resolve("server/src/main/java/dev/pingscope");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(main)) {
            files = walk.filter(f -> {
                String name = f.getFileName().toString();
                return name.endsWith("Settings.java") || name.endsWith("Options.java") || name.equals("ServerConfig.java")
                        || name.equals("ServeCommand.java");
            }).toList();
        }
        assertTrue(files.size() >= 20, "found " + files);
        for (Path f : files) {
            long lines = Files.readAllLines(f).size();
            assertTrue(lines <= 200, main.relativize(f) + " has " + lines + " lines");
        }
    }
}
