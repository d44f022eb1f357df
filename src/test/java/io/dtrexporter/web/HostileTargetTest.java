package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.SimulatedDtr;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A requester who may reach /probe tries to make the exporter send module prod's admin account to
 * an attacker listening on 127.0.0.1. Every trick ends in 400 or 403, and the attacker hears nothing.
 */
class HostileTargetTest {
    @TempDir
    static Path dir;
    static SimulatedDtr attacker;
    static ExporterHarness exporter;

    @BeforeAll
    static void start() {
        attacker = SimulatedDtr.start();
        exporter = ExporterHarness.start(dir, """
                modules:
                  prod:
                    basic_auth: {username: admin, password: %s}
                    allowed_targets: [dtr.corp, "*.dtr.corp", 127.0.0.2, "[fd00::2]"]
                """.formatted(SimulatedDtr.PASSWORD));
    }

    @AfterAll
    static void stop() {
        exporter.close();
        attacker.close();
    }

    @BeforeEach
    void reset() {
        attacker.reset();
        attacker.serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
    }

    static Stream<String> hostileTargets() {
        int port = attacker == null ? 1 : attacker.port();
        String evil = "127.0.0.1:" + port;
        return Stream.of(
                "https://" + evil,
                "http://" + evil,
                evil,
                "https://dtr.corp@" + evil,
                "https://dtr.corp:443@" + evil,
                "https://" + evil + "/#dtr.corp",
                "https://" + evil + "#@dtr.corp",
                "https://" + evil + "/?target=dtr.corp",
                "https://" + evil + "/dtr.corp",
                "https://" + evil + "\\@dtr.corp",
                "https://" + evil + "%2F%2Fdtr.corp",
                "https://dtr.corp%40" + evil,
                "https://dtr.corp%2F@" + evil,
                "https://127.0.0.1.:" + port,
                "https://127.1:" + port,
                "https://2130706433:" + port,
                "https://0x7f.0.0.1:" + port,
                "https://[::ffff:127.0.0.1]:" + port,
                "https://[::1]:" + port,
                "https://LOCALHOST:" + port,
                "https://dtr.corp.localhost:" + port,
                "https://dtr.сorp:" + port, // Cyrillic с: looks like dtr.corp
                "ftp://" + evil,
                "https:/" + evil,
                "https://" + evil + " dtr.corp",
                "https://" + evil + "\ndtr.corp");
    }

    @ParameterizedTest
    @MethodSource("hostileTargets")
    void noTrickSendsTheCredentialsToAnotherHost(String target) {
        HttpResponse<String> response = exporter.get(ExporterHarness.probePath(target, "prod"));
        assertTrue(response.statusCode() == 400 || response.statusCode() == 403,
                target + " answered " + response.statusCode() + ": " + response.body());
        assertEquals(0, attacker.received().length, "the attacker received a request for " + target);
        assertTrue(!response.body().contains(SimulatedDtr.PASSWORD));
    }

    @Test
    void aForbiddenTargetIs403WithTheReasonAndCounted() {
        String target = "https://" + "127.0.0.1:" + attacker.port();
        double before = forbiddenCount();
        HttpResponse<String> response = exporter.get(ExporterHarness.probePath(target, "prod"));
        assertEquals(403, response.statusCode());
        assertEquals("target \"" + target + "\" is not allowed for module \"prod\"\n", response.body());
        assertEquals(before + 1, forbiddenCount());
    }

    @Test
    void rawQueryTricksAreOneTargetOrRefused() {
        // a second target or module smuggled into the query string is refused, not ignored
        for (String query : List.of(
                "/probe?module=prod&target=dtr.corp&target=" + URLEncoder.encode(attacker.httpsTarget(), StandardCharsets.UTF_8),
                "/probe?target=" + URLEncoder.encode(attacker.httpsTarget(), StandardCharsets.UTF_8) + "&module=prod&module=prod")) {
            assertEquals(400, exporter.get(query).statusCode(), query);
        }
        assertEquals(0, attacker.received().length);
    }

    private static double forbiddenCount() {
        Exposition metrics = Exposition.parse(exporter.get("/metrics").body());
        return metrics.value("dtr_exporter_forbidden_targets_total", "module", "prod").orElse(0.0);
    }
}
