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
 */
class ImageJavaCommandTest {
    private static final Pattern ENV = Pattern.compile("(?m)^ENV (\\w+)=(?:\"([^\"]*)\"|(\\S+))$");
    private static final Pattern COPY_FROM_REPOSITORY = Pattern.compile("(?m)^COPY (?!--)(\\S+) (\\S+)$");
    private static final Pattern LOGFMT = Pattern.compile("ts=\\S+ level=(debug|info|warn|error) caller=\\S+ msg=\".*\"");
    private static final String JAR = "/opt/dtr-exporter/dtr-exporter.jar";

    @TempDir
    Path dir;

    @Test
    void theImagesJavaCommandPrintsNothingButLogfmtLinesOnStderr() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Files.writeString(dir.resolve("exporter.yml"), "modules:\n  default: {}\n");
        int port = FreePorts.loopback();
        ProcessBuilder builder = new ProcessBuilder(ChildProcesses.withDefaultSignals(command(dockerfile,
                "--web.listen-address=127.0.0.1:" + port)))
                .directory(dir.toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .redirectOutput(dir.resolve("stdout").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("JDK_JAVA_OPTIONS") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(environment(dockerfile));
        Process exporter = builder.start();
        try {
            awaitReady("http://127.0.0.1:" + port + "/-/ready", exporter);
        } finally {
            ChildProcesses.stop(exporter);
        }

        List<String> stderr = Files.readAllLines(dir.resolve("stderr"));
        assertTrue(stderr.stream().anyMatch(line -> line.contains("msg=\"listening address=127.0.0.1:" + port)),
                String.join("\n", stderr));
        for (String line : stderr) {
            assertTrue(LOGFMT.matcher(line).matches(), "not a log line: " + line);
        }
        assertEquals("", Files.readString(dir.resolve("stdout")));
    }

    /** The ENTRYPOINT with the image's paths swapped for the repository's, then {@code args} in place of CMD. */
    private static List<String> command(String dockerfile, String... args) throws IOException {
        String entrypoint = dockerfile.lines().filter(line -> line.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        List<String> image = JsonMapper.builder().build().readValue(entrypoint.substring("ENTRYPOINT ".length()),
                new TypeReference<List<String>>() { });
        Map<String, String> copied = new LinkedHashMap<>();
        Matcher copy = COPY_FROM_REPOSITORY.matcher(dockerfile);
        while (copy.find()) {
            copied.put(copy.group(2), Path.of(copy.group(1)).toAbsolutePath().toString());
        }
        assertEquals("java", image.get(0), entrypoint);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (int i = 1; i < image.size(); i++) {
            String arg = image.get(i);
            if (arg.equals("-jar") && i + 1 < image.size() && image.get(i + 1).equals(JAR)) {
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
                i++;
            } else if (arg.startsWith("@")) {
                String file = copied.get(arg.substring(1));
                assertFalse(file == null, arg + " is no file the Dockerfile copies from the repository");
                command.add("@" + file);
            } else {
                command.add(arg);
            }
        }
        command.addAll(List.of(args));
        return command;
    }

    private static Map<String, String> environment(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher line = ENV.matcher(dockerfile);
        while (line.find()) {
            env.put(line.group(1), line.group(2) != null ? line.group(2) : line.group(3));
        }
        return env;
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
