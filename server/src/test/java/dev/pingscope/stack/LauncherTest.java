package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * server/bin/pingscope, the launcher the README starts pingscope with: it applies pingscope's JVM options,
 * lets JAVA_OPTS override them, passes every argument on, and says what to do when the jar is missing. The
 * launcher runs a stand-in jar whose main prints the JVM's options and its arguments.
 */
class LauncherTest {
    /** The stand-in jar's main. */
    public static final class PrintJvmArguments {
        public static void main(String[] args) {
            System.out.println("jvm=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
            System.out.println("args=" + List.of(args));
        }
    }

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Repository.file("server/bin/pingscope").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Run(process.exitValue(), out, err);
    }

    private Path standInJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, PrintJvmArguments.class.getName());
        Path jar = dir.resolve("stand-in.jar");
        String entry = PrintJvmArguments.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream in = PrintJvmArguments.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
        }
        return jar;
    }

    @Test
    void applies_pingscope_s_jvm_options_and_passes_every_argument_on() throws Exception {
        Run run = launch(Map.of("PINGSCOPE_JAR", standInJar().toString()), "--port", "8080", "a b");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("-XX:+UseSerialGC"), run.out());
        assertTrue(run.out().contains("-Xmn32m"), run.out());
        assertTrue(run.out().contains("args=[--port, 8080, a b]"), "arguments arrive unsplit: " + run.out());
    }

    @Test
    void finds_java_through_java_home_when_the_path_has_none() throws Exception {
        // A JDK unpacked anywhere, with JAVA_HOME set and nothing on the PATH, as ./mvnw accepts it.
        String javaHome = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent().toString();
        Path tools = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(tools.resolve("dirname"), Path.of("/usr/bin/dirname"));
        Run run = launch(Map.of("PINGSCOPE_JAR", standInJar().toString(), "JAVA_HOME", javaHome, "PATH", tools.toString()),
                "x");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("args=[x]"), run.out());
    }

    @Test
    void java_opts_come_after_pingscope_s_so_that_they_win() throws Exception {
        Run run = launch(Map.of("PINGSCOPE_JAR", standInJar().toString(), "JAVA_OPTS", "-Xmn64m -Dx=1"));
        assertEquals(0, run.exit(), run.err());
        String jvm = run.out().lines().filter(l -> l.startsWith("jvm=")).findFirst().orElseThrow();
        assertTrue(jvm.indexOf("-Xmn64m") > jvm.indexOf("-Xmn32m"), jvm);
        assertTrue(jvm.contains("-Dx=1"), jvm);
    }

    @Test
    void a_missing_jar_is_one_line_saying_how_to_build_it_and_exit_2() throws Exception {
        Run run = launch(Map.of("PINGSCOPE_JAR", dir.resolve("none.jar").toString()));
        assertEquals(2, run.exit());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("./mvnw -B -Dmaven.test.skip=true package"), run.err());
    }

    @Test
    void the_image_starts_pingscope_through_the_launcher() {
        String dockerfile = Repository.read("server/Dockerfile");
        assertTrue(dockerfile.contains("COPY server/bin/pingscope /opt/pingscope/pingscope"), dockerfile);
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/pingscope/pingscope\"]"), dockerfile);
        assertTrue(Repository.read("README.md").contains("package && server/bin/pingscope\n"),
                "the README's run command starts the launcher");
    }
}
