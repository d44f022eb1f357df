package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ChildProcesses;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.FreePorts;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed by .ci/run) scrapes the exporter probing two
 * simulated DTRs, one with a sick replica, with the scrape job of prometheus-example.yml and the
 * shipped alert rules: dtr_up is 1 for both with their own instance labels, every dashboard panel's
 * query returns data, and the replica alert fires for the sick DTR only.
 */
class PrometheusEndToEndTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final JsonMapper JSON = new JsonMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesBothDtrsAndEveryPanelAndAlertWorks() throws Exception {
        if (!Files.isExecutable(PROMETHEUS) && System.getenv("CI") != null) {
            throw new AssertionError("prometheus is missing; .ci/run installs it with apt-get install prometheus");
        }
        assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus not installed (apt-get install prometheus)");
        Path ca = SimulatedDtr.writeMockServerCa(dir);
        try (SimulatedDtr healthy = SimulatedDtr.start(SimulatedDtr.fixedCertificate())
                        .serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
             SimulatedDtr sick = SimulatedDtr.start(SimulatedDtr.fixedCertificate())
                        .serving(Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA, Fixtures.JOBS);
             ExporterHarness exporter = ExporterHarness.start(dir, """
                     modules:
                       default:
                         basic_auth: {username: %s, password: %s}
                         allowed_targets: [127.0.0.1]
                         tls_config: {ca_file: %s}
                     """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD, ca.getFileName()))) {
            String exporterAddress = URI.create(exporter.url("/")).getAuthority();
            // the shipped rules, with their waiting times cut so that a test can see them fire
            Files.writeString(dir.resolve("rules.yml"),
                    Files.readString(Path.of("prometheus-rules.yml")).replaceAll("for: \\d+[smhd]", "for: 0s"));
            Files.writeString(dir.resolve("prometheus.yml"), exampleConfig(
                    List.of(healthy.httpsTarget(), sick.httpsTarget()), exporterAddress));
            int port = FreePorts.loopback();
            Process prometheus = new ProcessBuilder(ChildProcesses.withDefaultSignals(List.of(PROMETHEUS.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/";
                awaitValue(api, "count(dtr_up == 1)", 2);
                Set<String> instances = new TreeSet<>();
                query(api, "dtr_up").path("data").path("result").forEach(series -> {
                    assertEquals("1", series.path("value").get(1).asText());
                    instances.add(series.path("metric").path("instance").asText());
                });
                assertEquals(new TreeSet<>(List.of(healthy.httpsTarget(), sick.httpsTarget())), instances,
                        "the example's relabelling makes each DTR its own instance");
                Thread.sleep(3000); // a few more scrapes, for the rate() of the duration panel

                List<String> empty = new ArrayList<>();
                for (JsonNode panel : JSON.readTree(Path.of("grafana/dtr-dashboard.json").toFile()).path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText().replaceAll("\\$(instance|replica|db|table)", ".*");
                        if (query(api, expr).path("data").path("result").isEmpty()) {
                            empty.add(panel.path("title").asText() + ": " + expr);
                        }
                    }
                }
                assertEquals(List.of(), empty, "panels without data");

                Set<String> unhealthyFor = awaitAlert(api, "DtrReplicaUnhealthy");
                assertEquals(Set.of(sick.httpsTarget()), unhealthyFor, "the sick DTR, and only it");
                assertFalse(firing(api, "DtrDown").contains(healthy.httpsTarget()));
            } finally {
                ChildProcesses.stop(prometheus);
            }
        }
    }

    /**
     * prometheus-example.yml as shipped, with only the addresses changed (and the intervals cut to a
     * second, so that a test need not wait): its dtr job probes our DTRs, its exporter job scrapes ours.
     */
    private static String exampleConfig(List<String> dtrs, String exporterAddress) throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode config = (ObjectNode) yaml.readTree(Path.of("prometheus-example.yml").toFile());
        config.putObject("global").put("scrape_interval", "1s").put("scrape_timeout", "1s")
                .put("evaluation_interval", "1s");
        config.putArray("rule_files").add("rules.yml");
        ArrayNode kept = yaml.createArrayNode();
        for (JsonNode job : config.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            if (name.equals("dtr")) {
                ArrayNode targets = ((ObjectNode) job.path("static_configs").get(0)).putArray("targets");
                dtrs.forEach(targets::add);
                for (JsonNode rule : job.path("relabel_configs")) {
                    if (rule.path("target_label").asText().equals("__address__")) {
                        ((ObjectNode) rule).put("replacement", exporterAddress);
                    }
                }
                kept.add(job);
            } else if (name.equals("dtr-exporter")) {
                ((ObjectNode) job.path("static_configs").get(0)).putArray("targets").add(exporterAddress);
                kept.add(job);
            } // the example's second DTR job (module prod) has no DTR here
        }
        config.set("scrape_configs", kept);
        return yaml.writeValueAsString(config);
    }

    private void awaitValue(String api, String expr, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                JsonNode result = query(api, expr).path("data").path("result");
                if (!result.isEmpty() && result.get(0).path("value").get(1).asDouble() == expected) {
                    return;
                }
            } catch (IOException e) {
                // not started yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(expr + " never became " + expected + "; " + Files.readString(dir.resolve("prometheus.log")));
    }

    private Set<String> awaitAlert(String api, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Set<String> instances = firing(api, name);
            if (!instances.isEmpty()) {
                return instances;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " never fired");
    }

    private static Set<String> firing(String api, String name) throws Exception {
        Set<String> instances = new TreeSet<>();
        for (JsonNode alert : get(api + "alerts").path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals(name)
                    && alert.path("state").asText().equals("firing")) {
                instances.add(alert.path("labels").path("instance").asText());
            }
        }
        return instances;
    }

    private static JsonNode query(String api, String expr) throws Exception {
        return get(api + "query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
