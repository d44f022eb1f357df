package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dtrexporter.testing.ExporterHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own tool on what we ship: the example scrape config and a probe's output. CI installs
 * promtool (.ci/run); elsewhere these tests are skipped when it is missing.
 */
class PromtoolTest {
    /** Names kept from the original exporter so that dashboards keep working; promtool frowns on them. */
    private static final Set<String> KNOWN_LINT = Set.of(
            "dtr_job_total non-counter metrics should not have \"_total\" suffix",
            "dtr_server_count non-histogram and non-summary metrics should not have \"_count\" suffix",
            "dtr_server_health_count non-histogram and non-summary metrics should not have \"_count\" suffix",
            "dtr_table_count non-histogram and non-summary metrics should not have \"_count\" suffix",
            "dtr_table_server_state_count non-histogram and non-summary metrics should not have \"_count\" suffix");

    @TempDir
    Path dir;

    @BeforeAll
    static void promtoolIsThere() {
        boolean found = List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, "promtool")));
        if (!found && System.getenv("CI") != null) {
            throw new AssertionError("promtool is missing; .ci/run installs it with apt-get install prometheus");
        }
        assumeTrue(found, "promtool not installed (apt-get install prometheus)");
    }

    @Test
    void theExampleScrapeConfigIsValid() throws Exception {
        Result result = run(null, "promtool", "check", "config", "prometheus-example.yml");
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void theAlertingRulesAreValidAndTheirUnitTestsPass() throws Exception {
        Result check = run(null, "promtool", "check", "rules", "prometheus-rules.yml");
        assertEquals(0, check.exitCode(), check.output());
        // every alert firing where it should and quiet where it should (src/test/prometheus/rules-test.yml)
        Result test = run(null, "promtool", "test", "rules", "src/test/prometheus/rules-test.yml");
        assertEquals(0, test.exitCode(), test.output());
    }

    @Test
    void aProbesOutputHasNoLintProblemsButTheCompatibleNames() throws Exception {
        String metrics;
        try (ExporterHarness exporter = ExporterHarness.start(dir, "modules: {}\n", "--demo")) {
            String page = exporter.get("/").body();
            String probe = page.substring(page.indexOf("/probe?module=demo")).split("\"")[0].replace("&amp;", "&");
            metrics = exporter.get(probe).body();
        }
        Result result = run(metrics, "promtool", "check", "metrics");
        Set<String> problems = new TreeSet<>(result.output().lines().filter(l -> !l.isBlank()).toList());
        assertEquals(new TreeSet<>(KNOWN_LINT), problems);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String stdin, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish");
        }
        return new Result(process.exitValue(), output);
    }
}
