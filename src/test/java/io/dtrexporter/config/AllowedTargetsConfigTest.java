package io.dtrexporter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** allowed_targets and allow_plain_http in exporter.yml: required with credentials, checked at load. */
class AllowedTargetsConfigTest {
    @TempDir
    Path folder;
    private LogCapture warnings;

    @BeforeEach
    void captureWarnings() {
        warnings = LogCapture.atLeast(Level.WARNING, ConfigLoader.class);
    }

    @AfterEach
    void stopCapturing() {
        warnings.close();
    }

    @Test
    void aModuleWithCredentialsMustListItsTargets() throws IOException {
        Path config = write("modules:\n  prod:\n    basic_auth: {username: u, password: p}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("config file " + config + ": modules.prod.allowed_targets: is required for a module with"
                + " credentials (basic_auth or a client certificate): list the DTR hosts they may be sent to,"
                + " e.g. [dtr.example.com, \"*.dtr.example.com:443\"]", e.getMessage());
    }

    @Test
    void aModuleWithoutCredentialsMayGoAnywhereAndOverHttp() throws IOException {
        ModuleConfig module = load("modules:\n  public:\n    timeout: 5s\n").module("public").orElseThrow();
        assertTrue(module.allowedTargets().any());
        assertFalse(module.hasCredentials());
    }

    @Test
    void patternsAreReadInOrderWithTheirPorts() throws IOException {
        ModuleConfig module = load("""
                modules:
                  prod:
                    basic_auth: {username: u, password: p}
                    allowed_targets: [DTR.corp., "*.dtr.corp:4443", "[FD00::2]:443"]
                    allow_plain_http: true
                """).module("prod").orElseThrow();
        assertEquals(List.of("DTR.corp.", "*.dtr.corp:4443", "[FD00::2]:443"),
                module.allowedTargets().patterns().stream().map(HostPattern::text).toList());
        assertTrue(module.allowedTargets().allows("dtr.corp", 443));
        assertTrue(module.allowedTargets().allows("a.dtr.corp", 4443));
        assertFalse(module.allowedTargets().allows("a.dtr.corp", 443));
        assertTrue(module.allowedTargets().allows("[fd00::2]", 443));
        assertTrue(module.allowPlainHttp());
        assertTrue(warnings.records().isEmpty(), "a list of hosts is nothing to warn about");
    }

    @Test
    void anyTargetIsAllowedWithAWarningAtEveryLoad() throws IOException {
        String yaml = "modules:\n  open:\n    basic_auth: {username: u, password: p}\n    allowed_targets: [\"*\"]\n";
        assertTrue(load(yaml).module("open").orElseThrow().allowedTargets().any());
        load(yaml);
        assertEquals(2, warnings.records().size());
        assertTrue(warnings.records().get(0).getMessage().contains("module open has allowed_targets [\"*\"]"));
    }

    @Test
    void skippingCertificateVerificationWarnsAtEveryLoad() throws IOException {
        load("modules:\n  lab:\n    tls_config: {insecure_skip_verify: true}\n");
        assertEquals(1, warnings.records().size());
        assertTrue(warnings.records().get(0).getMessage().startsWith("module lab has insecure_skip_verify: true"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "[]                         | modules.m.allowed_targets: must list at least one host pattern",
        "['*', dtr.corp]            | modules.m.allowed_targets: \"*\" allows every target; it cannot be combined with other patterns",
        "[dtr.corp, 'dtr corp']     | modules.m.allowed_targets[1]: \"dtr corp\" is not a host pattern: \"dtr corp\" is not a DNS label (letters, digits, -, and * for any part of one label)",
        "[dtr.corp:http]            | modules.m.allowed_targets[0]: \"dtr.corp:http\": the port must be a number after one colon",
        "[dtr.corp:70000]           | modules.m.allowed_targets[0]: \"dtr.corp:70000\": the port must be from 1 to 65535",
        "['https://dtr.corp']       | modules.m.allowed_targets[0]: \"https://dtr.corp\": the port must be a number after one colon",
        "['dtr..corp']              | modules.m.allowed_targets[0]: \"dtr..corp\" is not a host pattern (host, host:port, *.domain)",
        "['[fd00::2']               | modules.m.allowed_targets[0]: \"[fd00::2\" has no closing ]",
        "{a: b}                     | modules.m.allowed_targets: must be a list of strings, not a mapping",
        "[7]                        | modules.m.allowed_targets[0]: must be a non-empty string",
    })
    void badPatternsAreRejectedNamingTheirIndex(String list, String message) throws IOException {
        Path config = write("modules:\n  m:\n    basic_auth: {username: u, password: p}\n    allowed_targets: " + list + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("config file " + config + ": " + message, e.getMessage());
    }

    @ParameterizedTest(name = "password: {0}")
    @CsvSource(delimiter = '|', value = {"!Hunter2", "'\"\"'"})
    void aPasswordThatYamlEmptiesIsRefusedNotSentEmpty(String password) throws IOException {
        Path config = write("modules:\n  m:\n    basic_auth:\n      username: u\n      password: " + password + "\n"
                + "    allowed_targets: [dtr.corp]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("config file " + config + ": modules.m.basic_auth.password: is empty; a password starting with"
                + " *, !, &, @ or another YAML sign must be quoted", e.getMessage());
    }

    @Test
    void aPasswordThatYamlWouldReadAsAnAliasIsRefused() throws IOException {
        Path config = write("modules:\n  m:\n    basic_auth:\n      username: u\n      password: *Hunter2\n"
                + "    allowed_targets: [dtr.corp]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("config file " + config + ": line 5: a value starting with * is a YAML alias; quote it"
                + " (e.g. password: \"*...\")", e.getMessage());
        assertFalse(e.getMessage().contains("Hunter2"));
        Files.writeString(config, "modules:\n  m:\n    basic_auth:\n      username: u\n      password: \"*Hunter2\"\n"
                + "    allowed_targets: [\"*.dtr.corp\"]\n");
        assertEquals("*Hunter2", ConfigLoader.load(config).module("m").orElseThrow().basicAuth().orElseThrow()
                .password().value());
    }

    private ExporterConfig load(String yaml) throws IOException {
        return ConfigLoader.load(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(folder.resolve("exporter.yml"), yaml);
    }
}
