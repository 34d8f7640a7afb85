package dev.pingscope.stack;

import dev.pingscope.servers.RegionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, server/Dockerfile and the repository layout around them. No Docker engine is needed. */
class ComposeFileTest {
    /** A tag with a version number in it: "1.22.1-alpine", "v2.42.0", "17.0.13_11-jre-jammy". */
    private static final Pattern PINNED = Pattern.compile("[^:\\s]+:[^:\\s]*\\d+\\.\\d+[^:\\s]*");

    /** The file as docker-compose reads it: anchors and merge keys resolved, variables at their defaults, paths absolute. */
    private final JsonNode compose = resolved();
    private static final List<String> REGIONS = List.of("eu", "us");

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
        assertEquals(8, images.size(), images.toString());
        for (String image : images) {
            assertTrue(PINNED.matcher(image).matches() && !image.contains("latest"), image + " is pinned to a version");
        }
    }

    @Test
    void each_region_runs_two_replicas_behind_its_own_nginx_and_prometheus_finds_them_all_by_dns() {
        JsonNode services = compose.get("services");
        JsonNode dns = Repository.yaml(Prometheus.CONFIG).get("scrape_configs").get(0).get("dns_sd_configs").get(0);
        List<String> scraped = new ArrayList<>();
        dns.get("names").forEach(n -> scraped.add(n.asText()));
        assertEquals(List.of("pingscope-eu", "pingscope-us"), scraped, "Prometheus resolves each region's service itself");
        assertEquals(7070, dns.get("port").asInt());
        Set<String> published = new java.util.HashSet<>();
        for (String region : REGIONS) {
            JsonNode replicas = services.path("pingscope-" + region);
            assertTrue(replicas.path("deploy").path("replicas").asInt() >= 2, region + ": " + replicas);
            assertEquals("server/Dockerfile", replicas.path("build").path("dockerfile").asText());
            assertEquals(region, replicas.path("environment").path("PINGSCOPE_REGION").asText(), "the replicas' own region");
            assertEquals("/etc/pingscope/servers.json", replicas.path("environment").path("PINGSCOPE_SERVERS").asText());
            assertTrue(volumes(replicas).contains(host("server/deploy/servers.json") + ":/etc/pingscope/servers.json:ro"),
                    volumes(replicas).toString());

            JsonNode nginx = services.path("nginx-" + region);
            String upstream = "server/deploy/nginx/compose/upstream-" + region + ".conf";
            assertTrue(Repository.read(upstream).contains("server pingscope-" + region + ":7070;"),
                    "nginx-" + region + " balances its region's replicas only");
            assertEquals(Repository.read(Nginx.COMPOSE_UPSTREAM), Repository.read(upstream).replace("pingscope-" + region,
                    "pingscope-eu"), "the regions' balancers differ in their replicas only: StackTest runs the eu one");
            List<String> mounted = volumes(nginx);
            assertTrue(mounted.contains(host(upstream) + ":/etc/nginx/upstream.conf:ro"), mounted.toString());
            assertTrue(mounted.contains(host(Nginx.CONFIG) + ":/etc/nginx/nginx.conf:ro"), mounted.toString());
            assertEquals("service_healthy", nginx.path("depends_on").path("pingscope-" + region).path("condition").asText());
            nginx.path("ports").forEach(port -> assertTrue(published.add(port.path("published").asText()),
                    "each balancer on ports of its own: " + port));
        }
        assertTrue(published.containsAll(Set.of("8080", "8081", "8443", "8444")), published.toString());
        assertTrue(volumes(services.path("prometheus")).contains(host("grafana/prometheus") + ":/etc/prometheus:ro"));
    }

    @Test
    void the_servers_file_lists_each_regions_balancer_and_the_server_accepts_it() throws Exception {
        RegionSettings regions = RegionSettings.read("eu", Repository.file("server/deploy/servers.json"));
        Map<String, String> urlByRegion = new TreeMap<>();
        regions.servers().forEach(s -> urlByRegion.put(s.region(), s.url()));
        assertEquals(Map.of("eu", "http://localhost:8080/", "us", "http://localhost:8081/"), urlByRegion,
                "the published plain-HTTP port of each region's nginx");
        assertEquals(2, regions.servers().size());
    }

    @Test
    void the_replicas_share_saved_results_in_postgresql_15() {
        JsonNode services = compose.get("services");
        JsonNode postgres = services.path("postgres");
        assertTrue(postgres.path("image").asText().startsWith("postgres:15."), postgres.toString());
        assertTrue(volumes(postgres).stream().anyMatch(v -> v.startsWith("postgres-data:/var/lib/postgresql/data")),
                "the data outlives the container: " + volumes(postgres));
        for (String region : REGIONS) {
            JsonNode env = services.path("pingscope-" + region).path("environment");
            assertEquals("jdbc:postgresql://postgres:5432/" + postgres.path("environment").path("POSTGRES_DB").asText(),
                    env.path("PINGSCOPE_DATABASE_URL").asText());
            assertEquals(postgres.path("environment").path("POSTGRES_USER").asText(), env.path("PINGSCOPE_DATABASE_USER").asText());
            assertEquals(postgres.path("environment").path("POSTGRES_PASSWORD").asText(),
                    env.path("PINGSCOPE_DATABASE_PASSWORD").asText());
            assertEquals("service_healthy",
                    services.path("pingscope-" + region).path("depends_on").path("postgres").path("condition").asText());
        }
    }

    @Test
    void the_top_level_holds_only_the_agreed_entries() throws IOException {
        // target/ and pingscope-data/ (where the README's run command keeps saved results) are made by running
        // pingscope here and git-ignored: the test command must pass after the run command.
        Set<String> allowed = Set.of("pom.xml", "README.md", "server", "web", "grafana", "docker-compose.yml", "docs",
                "mvnw", "mvnw.cmd", "target", "pingscope-data");
        try (Stream<Path> entries = Files.list(Repository.root())) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                assertTrue(name.startsWith(".") || allowed.contains(name), name + " does not belong at the top level");
            }
        }
    }

    /** `docker-compose config`: the file as compose resolves it (Jackson's YAML reader knows no merge keys). */
    private static JsonNode resolved() {
        ExternalProcess.Result r = ExternalProcess.run(
                List.of(Binaries.require("docker-compose", "docker-compose").toString(), "-f", "docker-compose.yml", "config"),
                Repository.root(), "");
        assertEquals(0, r.exitStatus(), r.output());
        String output = r.output();
        int start = output.startsWith("services:") ? 0 : output.indexOf("\nservices:") + 1;
        try {
            return Repository.YAML.readTree(output.substring(start));
        } catch (IOException e) {
            throw new AssertionError("docker-compose config printed no YAML: " + output, e);
        }
    }

    /** A repository path as `docker-compose config` writes a bind mount's source: absolute. */
    private static String host(String relative) {
        return Repository.root().resolve(relative).toAbsolutePath().normalize().toString();
    }

    static List<String> volumes(JsonNode service) {
        List<String> volumes = new ArrayList<>();
        service.path("volumes").forEach(v -> volumes.add(v.asText()));
        return volumes;
    }
}
