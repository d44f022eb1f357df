package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import io.dtrexporter.testing.LiveFixtures;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real Prometheus scrapes the exporter probing ten simulated DTRs with the scrape job of
 * prometheus-example.yml and the shipped alert rules, their waiting times as shipped: every DTR has its
 * own instance label, every dashboard panel's query returns data, and each alert goes pending for the
 * DTR that should raise it and for no other. The DTRs' times are moved to the present, so that the
 * healthy one raises nothing at all. It runs once for each Prometheus that .ci/run installs, Debian
 * 12's 2.42 and Prometheus 3 (with its own default scrape_protocols, so its Accept header and its
 * strict reading of Content-Type), one after the other against the same DTRs and exporter.
 */
class PrometheusEndToEndTest {
    private static final JsonMapper JSON = new JsonMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration FIRST_PROBES = Duration.ofSeconds(60);
    private static final boolean CI = System.getenv("CI") != null;

    @TempDir
    static Path shared;
    private static SimulatedDtr dtrs;
    private static ExporterHarness exporter;

    /** A Prometheus to drive: the major version its buildinfo must report, where it is, what installs it. */
    private record Prometheus(String major, Path binary, String installer) {
        @Override
        public String toString() {
            return "Prometheus " + major + " (" + binary + ")";
        }
    }

    static Stream<Prometheus> prometheuses() {
        return Stream.of(new Prometheus("2", Path.of("/usr/bin/prometheus"), "apt-get install prometheus"),
                new Prometheus("3", Path.of("/usr/local/bin/prometheus3"),
                        ".ci/run (install_prometheus3: Debian forky's binary)"));
    }

    /** An active alert: its name, its DTR, and the replica, db.table or job action it is about. */
    private record Alert(String name, String instance, String subject) {
    }

    /** The DTRs served, in the order Prometheus is given them, and the alerts they should raise. */
    private record Fleet(List<String> targets, String wrongPassword, Set<Alert> expectedAlerts) {
    }

    /** What one simulated DTR answers: a healthy DTR's answers, live, with at most one of them changed. */
    private record Answers(JsonNode clusterStatus, JsonNode jobs, byte[] crons, byte[] imagescan) {
        static Answers healthy(Instant now) {
            return new Answers(LiveFixtures.clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY, now),
                    LiveFixtures.jobs(now, Duration.ofHours(1)), LiveFixtures.crons(now), LiveFixtures.imagescanStatus(now));
        }

        Answers clusterStatus(JsonNode changed) {
            return new Answers(changed, jobs, crons, imagescan);
        }

        Answers jobs(JsonNode changed) {
            return new Answers(clusterStatus, changed, crons, imagescan);
        }

        Answers crons(byte[] changed) {
            return new Answers(clusterStatus, jobs, changed, imagescan);
        }

        Answers imagescan(byte[] changed) {
            return new Answers(clusterStatus, jobs, crons, changed);
        }
    }

    @BeforeAll
    static void startDtrsAndExporter() {
        assumeTrue(CI || prometheuses().anyMatch(prometheus -> Files.isExecutable(prometheus.binary())),
                "no Prometheus installed (.ci/run installs them)");
        Path ca = SimulatedDtr.writeMockServerCa(shared);
        dtrs = SimulatedDtr.start(SimulatedDtr.fixedCertificate());
        exporter = ExporterHarness.start(shared, """
                modules:
                  default:
                    basic_auth: {username: %s, password: %s}
                    allowed_targets: [127.0.0.1]
                    tls_config: {ca_file: %s}
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD, ca.getFileName()));
    }

    @AfterAll
    static void stopDtrsAndExporter() {
        if (exporter != null) {
            exporter.close();
        }
        if (dtrs != null) {
            dtrs.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prometheuses")
    void eachAlertIsPendingForTheDtrThatShouldRaiseItAndNoOther(Prometheus prometheus, @TempDir Path dir) throws Exception {
        if (!Files.isExecutable(prometheus.binary()) && CI) {
            throw new AssertionError(prometheus.binary() + " is missing; install it with " + prometheus.installer());
        }
        assumeTrue(Files.isExecutable(prometheus.binary()),
                prometheus.binary() + " not installed; install it with " + prometheus.installer());
        Fleet fleet = serveDtrs(Instant.now());
        List<String> targets = fleet.targets();
        String exporterAddress = URI.create(exporter.url("/")).getAuthority();
        Files.copy(Path.of("prometheus-rules.yml"), dir.resolve("rules.yml"));
        Files.writeString(dir.resolve("prometheus.yml"), exampleConfig(targets, exporterAddress));
        int port = FreePorts.loopback();
        Process process = new ProcessBuilder(ChildProcesses.withDefaultSignals(List.of(prometheus.binary().toString(),
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)))
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port + "/api/v1/";
            String version = awaitVersion(api);
            assertTrue(version.startsWith(prometheus.major() + "."),
                    () -> prometheus.binary() + " is Prometheus " + version + ", not " + prometheus.major());

            Map<String, String> expectedUp = new TreeMap<>();
            targets.forEach(target -> expectedUp.put(target, target.equals(fleet.wrongPassword()) ? "0" : "1"));
            Map<String, String> up = awaitDtrUp(api, expectedUp);
            assertEquals(expectedUp, up, () -> "the example's relabelling makes each DTR its own instance, up after "
                    + FIRST_PROBES.toSeconds() + " s; " + prometheusLog(dir));

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

            Set<Alert> expected = fleet.expectedAlerts();
            assertEquals(new TreeSet<>(expected.stream().map(Alert::toString).toList()),
                    new TreeSet<>(awaitAlerts(api, expected).stream().map(Alert::toString).toList()),
                    () -> "alerts pending or firing, for the DTRs that should raise them and no other; " + prometheusLog(dir));

            List<String> broken = new ArrayList<>();
            for (JsonNode alert : alerts(api)) {
                for (Map.Entry<String, JsonNode> annotation : alert.path("annotations").properties()) {
                    if (annotation.getValue().asText().contains("error expanding template")) {
                        broken.add(alert.path("labels").path("alertname").asText() + " " + annotation.getKey() + ": "
                                + annotation.getValue().asText());
                    }
                }
            }
            assertEquals(List.of(), broken, "annotations whose templates this Prometheus cannot expand");

            JsonNode down = alerts(api).stream()
                    .filter(alert -> alert.path("labels").path("alertname").asText().equals("DtrDown"))
                    .findFirst().orElseThrow().path("annotations");
            assertTrue(down.path("summary").asText().contains("cluster_status unauthorized"), down.toString());
            assertTrue(down.path("description").asText().contains("unauthorized: check the module's credentials"),
                    down.toString());
        } finally {
            ChildProcesses.stop(process);
        }
    }

    /**
     * Serves the ten DTRs anew, their times moved to {@code now}: one per path prefix, which names
     * what is wrong with it (its jobs list holds a failure of an hour ago, which must raise nothing).
     */
    private static Fleet serveDtrs(Instant now) {
        dtrs.reset();
        Answers healthyAnswers = Answers.healthy(now);
        String healthy = serve(dtrs, "/healthy", healthyAnswers);
        String replicaDown = serve(dtrs, "/replica-down", healthyAnswers.clusterStatus(
                LiveFixtures.clusterStatus(Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA, now)));
        ObjectNode twoOfThreeDown = LiveFixtures.clusterStatus(Fixtures.CLUSTER_STATUS_HEALTHY, now);
        ((ObjectNode) twoOfThreeDown.path("replica_health"))
                .put("cd61d8f16adf", "Failed to connect to container at dtr-rethinkdb-cd61d8f16adf:28015: i/o timeout")
                .put("1027c386bbc4", "Etcd unhealthy: context deadline exceeded");
        String quorumLost = serve(dtrs, "/quorum-lost", healthyAnswers.clusterStatus(twoOfThreeDown));
        String backfilling = serve(dtrs, "/tables-backfilling", healthyAnswers.clusterStatus(
                LiveFixtures.clusterStatus(Fixtures.CLUSTER_STATUS_MULTI_SHARD, now)));
        ObjectNode recentFailure = LiveFixtures.jobs(now, Duration.ofHours(1));
        ObjectNode newestJob = (ObjectNode) recentFailure.path("jobs").get(0);
        newestJob.put("status", "error").put("lastUpdated", LiveFixtures.time(now.minus(Duration.ofMinutes(1))));
        String jobsFailing = serve(dtrs, "/jobs-failing", healthyAnswers.jobs(recentFailure));
        String cronsOverdue = serve(dtrs, "/crons-overdue", healthyAnswers.crons(LiveFixtures.overdueCrons(now)));
        String noGcCron = serve(dtrs, "/no-gc-cron", healthyAnswers.crons(LiveFixtures.cronsWithoutGc(now)));
        String scannerDbOld = serve(dtrs, "/scanner-db-old",
                healthyAnswers.imagescan(LiveFixtures.imagescanStatus(now.minus(Duration.ofDays(3)), false)));
        String scannerUpdateFailed = serve(dtrs, "/scanner-update-failed",
                healthyAnswers.imagescan(LiveFixtures.imagescanStatus(now.minus(Duration.ofHours(1)), true)));
        String wrongPassword = refusingOurCredentials(dtrs, "/wrong-password");
        return new Fleet(List.of(healthy, replicaDown, quorumLost, backfilling, jobsFailing, cronsOverdue,
                noGcCron, scannerDbOld, scannerUpdateFailed, wrongPassword), wrongPassword, Set.of(
                new Alert("DtrDown", wrongPassword, ""),
                new Alert("DtrReplicaUnhealthy", replicaDown, "d95bf2a4d27b"),
                new Alert("DtrReplicaUnhealthy", quorumLost, "cd61d8f16adf"),
                new Alert("DtrReplicaUnhealthy", quorumLost, "1027c386bbc4"),
                new Alert("DtrQuorumAtRisk", quorumLost, ""),
                new Alert("DtrTableUnderReplicated", backfilling, "dtr2.tags"),
                new Alert("DtrTableUnderReplicated", backfilling, "jobrunner.jobs"),
                new Alert("DtrJobsFailing", jobsFailing, newestJob.path("action").asText()),
                new Alert("DtrCronOverdue", cronsOverdue, "onlinegc"),
                new Alert("DtrCronOverdue", cronsOverdue, "update_vuln_db"),
                new Alert("DtrGcNotScheduled", noGcCron, ""),
                new Alert("DtrScannerDbStale", scannerDbOld, ""),
                new Alert("DtrScannerDbStale", scannerUpdateFailed, "")));
    }

    /** Serves a DTR under {@code prefix} with these answers; its target. */
    private static String serve(SimulatedDtr dtrs, String prefix, Answers answers) {
        dtrs.withPrefix(prefix)
                .answer(SimulatedDtr.CLUSTER_STATUS, SimulatedDtr.json(200, LiveFixtures.bytes(answers.clusterStatus())))
                .answer(SimulatedDtr.JOBS, SimulatedDtr.json(200, LiveFixtures.bytes(answers.jobs())))
                .answer(SimulatedDtr.CRONS, SimulatedDtr.json(200, answers.crons()))
                .answer(SimulatedDtr.SCANNING, SimulatedDtr.json(200, answers.imagescan()))
                .answer(SimulatedDtr.DOCS, SimulatedDtr.json(200, LiveFixtures.docs()));
        return dtrs.httpsTarget() + prefix;
    }

    /** A DTR that answers 401 to every call that needs a login (/_ping needs none). */
    private static String refusingOurCredentials(SimulatedDtr dtrs, String prefix) {
        dtrs.withPrefix(prefix);
        for (String path : List.of(SimulatedDtr.CLUSTER_STATUS, SimulatedDtr.JOBS, SimulatedDtr.WORKERS,
                SimulatedDtr.CRONS, SimulatedDtr.SCANNING, SimulatedDtr.DOCS)) {
            dtrs.answerAnyone(path, SimulatedDtr.json(401, SimulatedDtr.NOT_AUTHENTICATED));
        }
        return dtrs.httpsTarget() + prefix;
    }

    /**
     * prometheus-example.yml as shipped, with only the addresses changed (and the intervals cut to
     * seconds, so that a test need not wait): its dtr job probes our DTRs, its exporter job scrapes ours.
     * Two seconds, not one, leave a probe 1.5 s: a probe that times out on a loaded machine would
     * make DtrDown pending for a healthy DTR.
     */
    private static String exampleConfig(List<String> dtrs, String exporterAddress) throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode config = (ObjectNode) yaml.readTree(Path.of("prometheus-example.yml").toFile());
        config.putObject("global").put("scrape_interval", "2s").put("scrape_timeout", "2s")
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

    /**
     * dtr_up by instance once it is {@code expected}, or as it is after {@link #FIRST_PROBES}: a
     * DTR's first probes may time out while the exporter warms up, and Prometheus scrapes the targets
     * at different moments, so one DTR may have no dtr_up yet when the others have theirs.
     */
    private static Map<String, String> awaitDtrUp(String api, Map<String, String> expected) throws Exception {
        long deadline = System.nanoTime() + FIRST_PROBES.toNanos();
        Map<String, String> up = new TreeMap<>();
        while (!up.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            up.clear();
            try {
                query(api, "dtr_up").path("data").path("result").forEach(series -> up.put(
                        series.path("metric").path("instance").asText(), series.path("value").get(1).asText()));
            } catch (IOException e) {
                // not started yet
            }
        }
        return up;
    }

    /** The version /api/v1/status/buildinfo reports, once Prometheus answers. */
    private static String awaitVersion(String api) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return get(api + "status/buildinfo").path("data").path("version").asText();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // not listening yet
            }
        }
    }

    private static String prometheusLog(Path dir) {
        try {
            return "prometheus.log: " + Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "no prometheus.log: " + e;
        }
    }

    /** The active alerts once every expected one is active and three more evaluations have passed. */
    private static Set<Alert> awaitAlerts(String api, Set<Alert> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!active(api).containsAll(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(5000); // two more probes, five evaluations: an alert that should not be there has had its chance
        return active(api);
    }

    private static Set<Alert> active(String api) throws Exception {
        Set<Alert> active = new HashSet<>();
        for (JsonNode alert : alerts(api)) {
            JsonNode labels = alert.path("labels");
            String subject = labels.has("replica") ? labels.path("replica").asText()
                    : labels.has("table") ? labels.path("db").asText() + "." + labels.path("table").asText()
                    : labels.path("action").asText();
            active.add(new Alert(labels.path("alertname").asText(), labels.path("instance").asText(), subject));
        }
        return active;
    }

    /** Alerts pending or firing: the shipped rules wait minutes before an alert fires. */
    private static List<JsonNode> alerts(String api) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        get(api + "alerts").path("data").path("alerts").forEach(alerts::add);
        return alerts;
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
