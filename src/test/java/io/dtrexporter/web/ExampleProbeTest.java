package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.BasicAuth;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.HostPattern;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.Secret;
import io.dtrexporter.config.TlsConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which module and target the landing page's example link names: one /probe accepts, or none. */
class ExampleProbeTest {
    @Test
    void theDemoDtrWhenThereIsOne() {
        assertEquals(Optional.of("/probe?module=demo&target=http%3A%2F%2F127.0.0.1%3A40123"),
                ExampleProbe.path(config(ModuleConfig.anonymous("demo"), guarded("a", "dtr.corp")),
                        Optional.of("http://127.0.0.1:40123")));
        assertEquals(Optional.of("/probe?module=a&target=https%3A%2F%2Fdtr.corp"),
                ExampleProbe.path(config(guarded("a", "dtr.corp")), Optional.of("http://127.0.0.1:40123")),
                "without its module, the demo's address is nobody's to probe");
    }

    @Test
    void moduleDefaultComesFirstThenTheOthersByName() {
        assertEquals(Optional.of("/probe?module=default&target=https%3A%2F%2Fdefault.corp"),
                ExampleProbe.path(config(guarded("a", "a.corp"), guarded("default", "default.corp")), Optional.empty()));
        assertEquals(Optional.of("/probe?module=a&target=https%3A%2F%2Fa.corp"),
                ExampleProbe.path(config(guarded("b", "b.corp"), guarded("a", "a.corp")), Optional.empty()));
    }

    @Test
    void aHostWithAPortOrAnIpv6LiteralIsLinkedAsItIsAllowed() {
        assertEquals(Optional.of("/probe?module=m&target=https%3A%2F%2Fdtr.corp%3A4443"),
                ExampleProbe.path(config(guarded("m", "*.corp", "dtr.corp:4443")), Optional.empty()));
        assertEquals(Optional.of("/probe?module=m&target=https%3A%2F%2F%5Bfd00%3A%3A2%5D%3A443"),
                ExampleProbe.path(config(guarded("m", "[fd00::2]:443")), Optional.empty()));
    }

    @Test
    void aModuleThatMayProbeAnyHostGetsThePlaceholder() {
        assertEquals(Optional.of("/probe?module=open&target=https%3A%2F%2Fdtr.example.com"),
                ExampleProbe.path(config(ModuleConfig.anonymous("open")), Optional.empty()));
    }

    @Test
    void noModuleOrOnlyWildcardsMeanNoLink() {
        assertEquals(Optional.empty(), ExampleProbe.path(config(), Optional.empty()));
        assertEquals(Optional.empty(), ExampleProbe.path(config(guarded("m", "*.dtr.corp", "10.0.3.*")), Optional.empty()));
    }

    /** allowed_targets: ["*"] with a password: the placeholder's click would send it to dtr.example.com. */
    @Test
    void aModuleWithCredentialsThatMayProbeAnyHostGetsNoPlaceholderLink() {
        ModuleConfig anyHost = new ModuleConfig("m", Optional.of(new BasicAuth("monitor", new Secret<>("pw"))),
                TlsConfig.DEFAULT, AllowedTargets.ANY, false, ModuleConfig.DEFAULT_JOB_COUNT, ModuleConfig.DEFAULT_TIMEOUT);
        assertEquals(Optional.empty(), ExampleProbe.path(config(anyHost), Optional.empty()));
    }

    private static ModuleConfig guarded(String name, String... allowed) {
        return new ModuleConfig(name, Optional.of(new BasicAuth("monitor", new Secret<>("pw"))), TlsConfig.DEFAULT,
                new AllowedTargets(Arrays.stream(allowed).map(HostPattern::parse).toList(), false), false,
                ModuleConfig.DEFAULT_JOB_COUNT, ModuleConfig.DEFAULT_TIMEOUT);
    }

    private static ExporterConfig config(ModuleConfig... modules) {
        Map<String, ModuleConfig> byName = Arrays.stream(modules)
                .collect(Collectors.toMap(ModuleConfig::name, Function.identity()));
        return new ExporterConfig(Path.of("exporter.yml"), byName, List.of());
    }
}
