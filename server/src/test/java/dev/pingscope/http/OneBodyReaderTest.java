package dev.pingscope.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.javalin.http.Context;
import jakarta.servlet.ServletRequest;
import java.util.Set;
import org.eclipse.jetty.io.Content;
import org.junit.jupiter.api.Test;

/**
 * One body reader and one lingering close (issue 17): no class but {@link BodyReader} reads a request body,
 * by Jetty's content API, the servlet's streams or Javalin's body methods, and none but it uses
 * {@link LingeringClose}'s bounds. A second reader would bring back blocking reads without a deadline.
 */
class OneBodyReaderTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.pingscope");

    private static final Set<String> SERVLET_BODY = Set.of("getInputStream", "getReader", "getParameter", "getParameterMap",
            "getParameterNames", "getParameterValues", "getPart", "getParts");
    private static final Set<String> JAVALIN_BODY = Set.of("body", "bodyAsBytes", "bodyAsClass", "bodyInputStream",
            "bodyStreamAsClass", "bodyValidator", "formParam", "formParams", "formParamMap", "formParamAsClass",
            "uploadedFile", "uploadedFiles", "uploadedFileMap");

    /** A call that reads (or waits for, or discards) a request body. */
    private static final DescribedPredicate<JavaMethodCall> READS_A_BODY = DescribedPredicate.describe(
            "reads a request body", call -> {
                String name = call.getName();
                if (call.getTargetOwner().isAssignableTo(Content.Source.class)) {
                    return name.equals("read") || name.equals("demand") || name.startsWith("as") || name.startsWith("consume");
                }
                if (call.getTargetOwner().isAssignableTo(ServletRequest.class)) {
                    return SERVLET_BODY.contains(name);
                }
                return call.getTargetOwner().isAssignableTo(Context.class) && JAVALIN_BODY.contains(name);
            });

    private static ArchRule onlyTheReaderReadsBodies() {
        return noClasses().that().doNotHaveFullyQualifiedName(BodyReader.class.getName())
                .should().callMethodWhere(READS_A_BODY)
                .because("request bodies are read by BodyReader alone, within its cap, deadline and minimum rate");
    }

    @Test
    void no_class_but_the_body_reader_reads_a_request_body() {
        onlyTheReaderReadsBodies().check(MAIN);
    }

    @Test
    void the_rule_sees_the_reader_itself_read_bodies() {
        ArchRule everyone = noClasses().should().callMethodWhere(READS_A_BODY);
        assertThrows(AssertionError.class, () -> everyone.check(MAIN), "the rule finds BodyReader's own reads");
    }

    @Test
    void no_class_but_the_body_reader_applies_the_lingering_close() {
        noClasses().that().doNotHaveFullyQualifiedName(BodyReader.class.getName())
                .and().doNotHaveFullyQualifiedName(LingeringClose.class.getName())
                .should().accessTargetWhere(DescribedPredicate.describe("is LingeringClose's",
                        (JavaAccess<?> access) -> access.getTargetOwner().isEquivalentTo(LingeringClose.class)))
                .check(MAIN);
    }
}
