package dev.pingscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
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
}
