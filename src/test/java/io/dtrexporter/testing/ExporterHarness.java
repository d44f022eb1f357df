package io.dtrexporter.testing;

import io.dtrexporter.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The exporter started in-process on a free loopback port with a given exporter.yml. */
public final class ExporterHarness implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Main.Running running;

    private ExporterHarness(Main.Running running) {
        this.running = running;
    }

    /** Writes {@code yaml} to dir/exporter.yml and starts the exporter with it. */
    public static ExporterHarness start(Path dir, String yaml, String... extraFlags) {
        try {
            Path config = Files.writeString(dir.resolve("exporter.yml"), yaml);
            String[] args = new String[2 + extraFlags.length];
            args[0] = "--config.file=" + config;
            args[1] = "--web.listen-address=127.0.0.1:0";
            System.arraycopy(extraFlags, 0, args, 2, extraFlags.length);
            return new ExporterHarness(Main.start(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return running.port();
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + running.port() + pathAndQuery;
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) {
        return send(pathAndQuery, HttpResponse.BodyHandlers.ofString(), headers);
    }

    public HttpResponse<byte[]> getBytes(String pathAndQuery, String... headers) {
        return send(pathAndQuery, HttpResponse.BodyHandlers.ofByteArray(), headers);
    }

    private <T> HttpResponse<T> send(String pathAndQuery, HttpResponse.BodyHandler<T> body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(pathAndQuery))).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Probes {@code target} with {@code module} and returns the parsed text exposition; asserts 200. */
    public Exposition probe(String target, String module) {
        HttpResponse<String> response = get(probePath(target, module));
        if (response.statusCode() != 200) {
            throw new AssertionError("probe answered " + response.statusCode() + ": " + response.body());
        }
        return Exposition.parse(response.body());
    }

    public static String probePath(String target, String module) {
        return "/probe?target=" + URLEncoder.encode(target, StandardCharsets.UTF_8)
                + (module == null ? "" : "&module=" + URLEncoder.encode(module, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        running.close();
    }
}
