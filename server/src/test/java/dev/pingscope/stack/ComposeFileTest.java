package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, server/Dockerfile and the repository layout around them. No Docker engine is needed. */
class ComposeFileTest {
    /** A tag with a version number in it: "1.22.1-alpine", "v2.42.0", "17.0.13_11-jre-jammy". */
    private static final Pattern PINNED = Pattern.compile("[^:\\s]+:[^:\\s]*\\d+\\.\\d+[^:\\s]*");

    private final JsonNode compose = Repository.yaml("docker-compose.yml");

    @Test
    void docker_compose_accepts_the_file() {
        ExternalProcess.Result r = ExternalProcess.run(
                List.of(Binaries.require("docker-compose", "docker-compose").toString(), "-f", "docker-compose.yml", "config", "-q"),
                Repository.root(), "");
        assertEquals(0, r.exitStatus(), r.output());
    }

    @Test
    void every_image_is_pinned_to_a_version() throws IOException {
        List<String> images = new ArrayList<>();
        compose.get("services").fields().forEachRemaining(s -> {
            if (!s.getValue().has("build")) {
                images.add(s.getValue().path("image").asText());
            }
        });
        for (String line : Files.readAllLines(Repository.file("server/Dockerfile"))) {
            if (line.startsWith("FROM ")) {
                images.add(line.split("\\s+", -1)[1]);
            }
        }
        assertEquals(7, images.size(), images.toString());
        for (String image : images) {
            assertTrue(PINNED.matcher(image).matches() && !image.contains("latest"), image + " is pinned to a version");
        }
    }

    @Test
    void pingscope_runs_two_replicas_that_nginx_balances_and_prometheus_finds_by_dns() {
        JsonNode services = compose.get("services");
        assertTrue(services.path("pingscope").path("deploy").path("replicas").asInt() >= 2);
        assertEquals("server/Dockerfile", services.path("pingscope").path("build").path("dockerfile").asText());
        assertTrue(Repository.read(Nginx.COMPOSE_UPSTREAM).contains("server pingscope:7070;"),
                "nginx balances the compose service's replicas");
        JsonNode dns = Repository.yaml(Prometheus.CONFIG).get("scrape_configs").get(0).get("dns_sd_configs").get(0);
        assertEquals("pingscope", dns.get("names").get(0).asText(), "Prometheus resolves the compose service itself");
        assertEquals(7070, dns.get("port").asInt());
        assertTrue(volumes(services.path("nginx")).contains("./server/deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro"));
        assertTrue(volumes(services.path("prometheus")).contains("./grafana/prometheus:/etc/prometheus:ro"));
    }

    @Test
    void the_replicas_share_saved_results_in_postgresql_15() {
        JsonNode services = compose.get("services");
        JsonNode postgres = services.path("postgres");
        assertTrue(postgres.path("image").asText().startsWith("postgres:15."), postgres.toString());
        assertTrue(volumes(postgres).contains("postgres-data:/var/lib/postgresql/data"), "the data outlives the container");
        JsonNode env = services.path("pingscope").path("environment");
        assertEquals("jdbc:postgresql://postgres:5432/" + postgres.path("environment").path("POSTGRES_DB").asText(),
                env.path("PINGSCOPE_DATABASE_URL").asText());
        assertEquals(postgres.path("environment").path("POSTGRES_USER").asText(), env.path("PINGSCOPE_DATABASE_USER").asText());
        assertEquals(postgres.path("environment").path("POSTGRES_PASSWORD").asText(), env.path("PINGSCOPE_DATABASE_PASSWORD").asText());
        assertEquals("service_healthy", services.path("pingscope").path("depends_on").path("postgres").path("condition").asText());
    }

    @Test
    void the_top_level_holds_only_the_agreed_entries() throws IOException {
        Set<String> allowed = Set.of("pom.xml", "README.md", "server", "web", "grafana", "docker-compose.yml", "docs",
                "mvnw", "mvnw.cmd", "target");
        try (Stream<Path> entries = Files.list(Repository.root())) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                assertTrue(name.startsWith(".") || allowed.contains(name), name + " does not belong at the top level");
            }
        }
    }

    static List<String> volumes(JsonNode service) {
        List<String> volumes = new ArrayList<>();
        service.path("volumes").forEach(v -> volumes.add(v.asText()));
        return volumes;
    }
}
