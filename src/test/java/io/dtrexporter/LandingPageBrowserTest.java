package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dtrexporter.testing.ChildProcesses;
import io.dtrexporter.testing.ExporterHarness;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * / and /logs as a real browser renders them, with --demo and a few probes, one of them failing and
 * one with a hostile path. The screenshots stay in target/screenshots for a person to look at;
 * skipped where chromium is not installed (apt-get install chromium).
 */
class LandingPageBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String HOSTILE_PATH = "/x'onmouseover='alert(1)'";
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path dir;

    @BeforeAll
    static void chromiumIsThere() {
        boolean found = Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, "chromium")));
        assumeTrue(found, "chromium not installed (apt-get install chromium)");
    }

    @Test
    void theLandingPageRendersTheFleetWithTheFailuresFirstAndNothingInjected() throws Exception {
        try (ExporterHarness exporter = ExporterHarness.start(dir, "modules: {}\n", "--demo")) {
            String demoTarget = demoTarget(exporter.get("/").body());
            exporter.probe(demoTarget, "demo");
            exporter.probe("http://127.0.0.1:1", "demo"); // nothing listens there: connection refused
            exporter.probe(demoTarget + HOSTILE_PATH, "demo"); // the demo DTR answers 404 under that prefix
            exporter.probe(demoTarget, "demo");

            String dom = chromium("--dump-dom", exporter.url("/"));
            assertTrue(dom.contains("<h2>Targets</h2>"), dom);
            assertTrue(dom.contains(demoTarget + HOSTILE_PATH), "shown as text: " + dom);
            assertFalse(Pattern.compile("<[^>]*\\sonmouseover\\s*=").matcher(dom).find(), "no attribute injected: " + dom);
            int failed = dom.indexOf("http://127.0.0.1:1<");
            int up = dom.indexOf(demoTarget + "<");
            assertTrue(failed >= 0 && up >= 0, "both targets shown: " + dom);
            assertTrue(failed < up, "failures first: " + dom);

            screenshot(exporter.url("/"), SCREENSHOTS.resolve("landing-page.png"));
            screenshot(exporter.url("/logs"), SCREENSHOTS.resolve("logs-page.png"));
        }
    }

    private static String demoTarget(String page) {
        Matcher link = Pattern.compile("href=\"/probe\\?module=demo&amp;target=([^\"]+)\"").matcher(page);
        assertTrue(link.find(), page);
        return URLDecoder.decode(link.group(1), StandardCharsets.UTF_8);
    }

    private void screenshot(String url, Path png) throws Exception {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        chromium("--screenshot=" + png.toAbsolutePath(), "--window-size=1400,900", url);
        byte[] start = Arrays.copyOf(Files.readAllBytes(png), PNG_SIGNATURE.length);
        assertArrayEquals(PNG_SIGNATURE, start, png + " is not a PNG");
    }

    /** Headless, its own profile, no sandbox (which refuses to run as root, as CI containers do). */
    private String chromium(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + dir.resolve("chromium-profile")));
        command.addAll(List.of(args));
        Path output = dir.resolve("chromium.out");
        Path errors = dir.resolve("chromium.err");
        // to files, not pipes: a chromium that hangs must not hang the test on a read
        Process process = new ProcessBuilder(ChildProcesses.withDefaultSignals(command))
                .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            ChildProcesses.stop(process);
            throw new AssertionError("chromium did not finish within 120 s");
        }
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(errors));
        return Files.readString(output);
    }
}
