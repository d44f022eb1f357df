package io.dtrexporter.web;

import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.HostPattern;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.InvalidTargetException;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.probe.TargetAccess;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The /probe link the landing page offers a new user: a configured module with a target that
 * module allows, so that the click answers 200, never 400 or 403. No link beats a broken one.
 */
final class ExampleProbe {
    /** For a module that may probe any host: the user sees where their DTR's address goes. */
    static final String PLACEHOLDER_TARGET = "https://dtr.example.com";
    static final String DEMO_MODULE = "demo";

    private ExampleProbe() {
    }

    /**
     * The demo's DTR when there is one, else the first module (default first, then by name) with a
     * host that allowed_targets names without a wildcard, or the placeholder when it allows any.
     *
     * @param demoTarget the demo DTR's address, with --demo
     */
    static Optional<String> path(ExporterConfig config, Optional<String> demoTarget) {
        Optional<String> demo = config.module(DEMO_MODULE).flatMap(module -> demoTarget.flatMap(t -> allowed(module, t)));
        if (demo.isPresent()) {
            return demo;
        }
        return config.modules().values().stream()
                .sorted(Comparator.comparing((ModuleConfig m) -> !m.name().equals(ExporterConfig.DEFAULT_MODULE))
                        .thenComparing(ModuleConfig::name))
                .flatMap(module -> candidates(module).flatMap(target -> allowed(module, target).stream()))
                .findFirst();
    }

    /**
     * A wildcard pattern names no host we could link to: {@code *.dtr.corp} has no real name in it.
     * The placeholder is only for a module without credentials: one click would send them to a host
     * nobody configured.
     */
    private static Stream<String> candidates(ModuleConfig module) {
        if (module.allowedTargets().any()) {
            return module.hasCredentials() ? Stream.empty() : Stream.of(PLACEHOLDER_TARGET);
        }
        return module.allowedTargets().patterns().stream().map(HostPattern::text)
                .filter(text -> !text.contains("*"))
                .map(host -> "https://" + host);
    }

    /** Decided as /probe decides, so that the link cannot drift from what a probe accepts. */
    private static Optional<String> allowed(ModuleConfig module, String target) {
        try {
            if (TargetAccess.refusal(module, Target.parse(target), target).isPresent()) {
                return Optional.empty();
            }
        } catch (InvalidTargetException e) {
            return Optional.empty();
        }
        return Optional.of("/probe?module=" + URLEncoder.encode(module.name(), StandardCharsets.UTF_8)
                + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
    }
}
