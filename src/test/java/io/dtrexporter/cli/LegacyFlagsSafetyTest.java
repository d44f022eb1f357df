package io.dtrexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.ConfigLoader;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.probe.TargetAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The old exporter's flags must not open a way around the checks a /probe passes. */
class LegacyFlagsSafetyTest {
    @TempDir
    Path dir;

    @Test
    void anHttpConnectionStringWithCredentialsNeedsEnableTlsFalse() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yml"), "modules: {}\n");
        UsageException e = assertThrows(UsageException.class, () -> Main.start(Map.of(
                "CONNECTION_STRING", "http://127.0.0.1:1", "DTR_USERNAME", "u", "DTR_PASSWORD", "p"),
                "--config.file=" + empty, "--web.listen-address=127.0.0.1:0"));
        assertEquals("--connection-string http://127.0.0.1:1 is plain http, and the credentials would travel in"
                + " clear text: set --enable-tls=false (ENABLE_TLS=false) to allow that", e.getMessage());
    }

    @Test
    void aConnectionStringWithoutSchemeAndWithoutTlsIsProbeableAsModuleDefault() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yml"), "modules: {}\n");
        try (Main.Running exporter = Main.start(Map.of("CONNECTION_STRING", "dtr.corp", "ENABLE_TLS", "false",
                "DTR_USERNAME", "u", "DTR_PASSWORD", "p"), "--config.file=" + empty, "--web.listen-address=127.0.0.1:0")) {
            ModuleConfig module = exporter.modules().get().module("default").orElseThrow().config();
            assertTrue(TargetAccess.refusal(module, Target.parse("http://dtr.corp"), "http://dtr.corp").isEmpty());
        }
    }

    @Test
    void anInvalidConnectionStringIsOneLineAndExitOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--connection-string=ftp://dtr.corp", "--config.file=" + dir.resolve("x.yml"),
            "--web.listen-address=127.0.0.1:0"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), MainTest.NO_JVM_SIGNALS);
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code);
        assertEquals("dtr-exporter: error: --connection-string: invalid target \"ftp://dtr.corp\": the scheme must be"
                + " http or https; try --help\n", message);
        assertFalse(message.contains("\tat "));
    }

    @Test
    void configCheckLoadsWhatAStartWouldLoad() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--connection-string=https://dtr.corp", "--dtr-ca=" + dir.resolve("missing.pem"),
            "--config.check"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                MainTest.NO_JVM_SIGNALS);
        assertEquals(1, code, "a missing --dtr-ca fails the check as it would fail the start");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("tls_config.ca_file: cannot read"), err.toString());
    }

    @Test
    void theImagesExampleModuleGivesWayToTheOldFlagsWhenTheFileWasNotNamed() throws Exception {
        // as in the Docker image: exporter.yml with module default in the working folder, not named
        Files.writeString(dir.resolve("exporter.yml"), "modules:\n  default: {timeout: 3s}\n  other: {}\n");
        Flags flags = Flags.parse(Map.of("CONNECTION_STRING", "https://dtr.corp"));
        assertFalse(flags.configFileGiven());
        ExporterConfig config = ConfigLoader.load(
                dir.resolve("exporter.yml"), false, "default", flags.legacy().orElseThrow().module(), "the old flags");
        assertEquals(Set.of("default", "other"), config.modules().keySet());
        assertEquals(Duration.ofSeconds(10), config.module("default").orElseThrow().timeout(),
                "the old flags' module, not the file's");
    }
}
