package dev.pingscope.stack;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards of grafana/dashboards/, read as JSON: their panels, queries and template variables. */
final class Dashboards {
    static final String DIRECTORY = "grafana/dashboards";
    /** Strict: a key given twice is an error, as it would silently lose one of the two in Grafana. */
    static final ObjectMapper STRICT_JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Grafana's template variables in a query: $name or ${name}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    /** One PromQL query of one panel. */
    record Query(String dashboard, String panel, String refId, String expr, JsonNode datasource) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId;
        }
    }

    /** A template variable and the query that lists its values. */
    record Variable(String dashboard, String name, String query, JsonNode datasource) {}

    private Dashboards() {}

    static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(Repository.root().resolve(DIRECTORY))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    static JsonNode read(Path file) throws IOException {
        return STRICT_JSON.readTree(file.toFile());
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    static List<Query> queries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(dashboard.path("uid").asText(), panel.path("title").asText(),
                            target.path("refId").asText(), target.path("expr").asText(), target.path("datasource")));
                }
            }
        }
        return queries;
    }

    static List<Variable> variables() throws IOException {
        List<Variable> variables = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            for (JsonNode v : dashboard.path("templating").path("list")) {
                variables.add(new Variable(dashboard.path("uid").asText(), v.path("name").asText(),
                        v.path("query").path("query").asText(v.path("definition").asText()), v.path("datasource")));
            }
        }
        return variables;
    }

    /**
     * The query as Grafana would send it, given a value per variable (".*" for "All"); fails on a variable
     * that has no value, so that a query never reaches Prometheus with a "$" left in it.
     */
    static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new AssertionError("no value for $" + m.group(1) + " in " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** label_values(metric, label): the only variable query form the dashboards use. */
    static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*(\\w+)\\s*\\)");
}
