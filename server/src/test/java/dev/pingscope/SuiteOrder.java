package dev.pingscope;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The order the suite's classes are handed to JUnit's two threads (server/pom.xml): the browser classes first,
 * then the rest, the {@code @Isolated} ones last. Browser classes hold one lock and so run one after another:
 * they are the longest chain, and started first the other classes fill the second thread beside them instead of
 * running before them with the browser thread idle (the run before this order: 131 s of other classes, then
 * 258 s of browser classes alone).
 */
public final class SuiteOrder implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(SuiteOrder::rank)
                .thenComparing(d -> d.getTestClass().getName()));
    }

    private static int rank(ClassDescriptor descriptor) {
        if (descriptor.isAnnotated(Isolated.class)) {
            return 2;
        }
        boolean browser = descriptor.findRepeatableAnnotations(ResourceLock.class).stream()
                .anyMatch(lock -> lock.value().equals(TestResources.SHARED_BROWSERS));
        return browser ? 0 : 1;
    }
}
