package dev.pingscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.TestServer;
import dev.pingscope.cli.VersionProvider;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void build_info_is_1_with_the_running_version_as_its_label() throws Exception {
        try (TestServer ts = TestServer.start()) {
            String version = VersionProvider.version();
            assertEquals("dev", version, "tests run from classes, which have no manifest version");
            assertEquals(1.0, ts.metric("pingscope_build_info{version=\"" + version + "\"}"));
            assertEquals(1, ts.get("/metrics").body().lines().filter(l -> l.startsWith("pingscope_build_info")).count());
        }
    }
}
