package io.dtrexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.cli.Main;
import io.dtrexporter.testing.ChildProcesses;
import io.dtrexporter.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's java command and environment, read from the Dockerfile and run here (Docker is not
 * needed): the files it copies into the image are taken from the repository, the jar's classes from
 * the class path. Nothing but the exporter's log lines may reach stderr: log collectors parse them.
 * The ENTRYPOINT is a shell command, run here with this machine's sh as the image's would run it.
 */
class ImageJavaCommandTest {
    private static final Pattern ENV = Pattern.compile("(?m)^ENV (\\w+)=(?:\"([^\"]*)\"|(\\S+))$");
    private static final Pattern COPY_FROM_REPOSITORY = Pattern.compile("(?m)^COPY (?!--)(\\S+) (\\S+)$");
    private static final Pattern LOGFMT = Pattern.compile("ts=\\S+ level=(debug|info|warn|error) caller=\\S+ msg=\".*\"");
    private static final String RUN_JAR = "-jar /opt/dtr-exporter/dtr-exporter.jar";

    @TempDir
    Path dir;

    @Test
    void theImagesJavaCommandPrintsNothingButLogfmtLinesOnStderr() throws Exception {
        Files.writeString(dir.resolve("exporter.yml"), "modules:\n  default: {}\n");
        Started exporter = start(null);

        List<String> stderr = Files.readAllLines(dir.resolve("stderr"));
        assertTrue(stderr.stream().anyMatch(line -> line.contains("msg=\"listening address=127.0.0.1:" + exporter.port())),
                String.join("\n", stderr));
        for (String line : stderr) {
            assertTrue(LOGFMT.matcher(line).matches(), "not a log line: " + line);
        }
        assertEquals("", Files.readString(dir.resolve("stdout")));
        assertTrue(exporter.metrics().contains("jvm_gc_collection_seconds_count{gc=\"Copy\"}"),
                "the image's serial collector: " + exporter.metrics());
    }

    @Test
    void javaOptsWinOverTheImagesFlagsAndTheExportersFlagsArriveAsGiven() throws Exception {
        // a flag whose value holds a space shows that the shell passes the exporter's flags unsplit
        Path config = Files.createDirectories(dir.resolve("my config")).resolve("exporter.yml");
        Files.writeString(config, "modules:\n  default: {}\n");
        Started exporter = start("-XX:-UseSerialGC -XX:+UseG1GC", "--config.file=" + config);

        assertTrue(exporter.metrics().contains("jvm_gc_collection_seconds_count{gc=\"G1 Young Generation\"}"),
                "JAVA_OPTS' collector: " + exporter.metrics());
        for (String line : Files.readAllLines(dir.resolve("stderr"))) {
            assertTrue(LOGFMT.matcher(line).matches(), "not a log line: " + line);
        }
        assertTrue(exporter.javaWasExeced(), "the shell must exec java, or docker stop's SIGTERM reaches the shell only");
    }

    /** What a started exporter showed before it was stopped. */
    private record Started(int port, String metrics, boolean javaWasExeced) {
    }

    /** Runs the image's ENTRYPOINT with its ENV, {@code javaOpts} as JAVA_OPTS, and {@code args} as docker run's. */
    private Started start(String javaOpts, String... args) throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        int port = FreePorts.loopback();
        List<String> command = new ArrayList<>(command(dockerfile));
        command.add("--web.listen-address=127.0.0.1:" + port);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(ChildProcesses.withDefaultSignals(command))
                .directory(dir.toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .redirectOutput(dir.resolve("stdout").toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("JDK_JAVA_OPTIONS") || name.startsWith("JAVA_TOOL")
                || name.equals("JAVA_OPTS"));
        environment.putAll(environment(dockerfile));
        // the image finds java on its PATH; here it is this JVM's
        environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + environment.get("PATH"));
        if (javaOpts != null) {
            environment.put("JAVA_OPTS", javaOpts);
        }
        Process exporter = builder.start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base + "/-/ready", exporter);
            String metrics = get(base + "/metrics");
            boolean execed = exporter.info().command().map(path -> path.endsWith("/java")).orElse(false);
            return new Started(port, metrics, execed);
        } finally {
            ChildProcesses.stop(exporter);
        }
    }

    /**
     * The ENTRYPOINT's shell command with the image's paths swapped for the repository's, and the
     * jar for this JVM's class path; docker run's arguments are to be added to it.
     */
    private static List<String> command(String dockerfile) throws IOException {
        String entrypoint = dockerfile.lines().filter(line -> line.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        List<String> image = JsonMapper.builder().build().readValue(entrypoint.substring("ENTRYPOINT ".length()),
                new TypeReference<List<String>>() { });
        assertEquals(List.of("/bin/sh", "-c"), image.subList(0, 2), entrypoint);
        assertEquals(4, image.size(), "sh -c <command> <$0>: " + entrypoint);
        String script = image.get(2);
        assertTrue(script.contains(RUN_JAR), entrypoint);
        script = script.replace(RUN_JAR, "-jar");
        Matcher copy = COPY_FROM_REPOSITORY.matcher(dockerfile);
        while (copy.find()) {
            if (copy.group(2).startsWith("/")) {
                script = script.replace(copy.group(2), Path.of(copy.group(1)).toAbsolutePath().toString());
            }
        }
        assertFalse(script.contains("/opt/"), "a path that the Dockerfile copies from no file here: " + script);
        script = script.replace("-jar", "-cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName());
        return List.of("/bin/sh", "-c", script, image.get(3));
    }

    private static Map<String, String> environment(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher line = ENV.matcher(dockerfile);
        while (line.find()) {
            env.put(line.group(1), line.group(2) != null ? line.group(2) : line.group(3));
        }
        return env;
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitReady(String url, Process exporter) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!exporter.isAlive()) {
                throw new AssertionError("the exporter stopped: " + Files.readString(dir.resolve("stderr")));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready: " + Files.readString(dir.resolve("stderr")));
    }
}
