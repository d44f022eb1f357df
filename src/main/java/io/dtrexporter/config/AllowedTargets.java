package io.dtrexporter.config;

import java.util.List;

/**
 * The hosts a module's probes may connect to. A module with credentials must list them, so that no
 * request can send its account to a host of the requester's choosing.
 *
 * @param any true for {@code ["*"]}, and for a module without credentials that lists none
 */
public record AllowedTargets(List<HostPattern> patterns, boolean any) {
    public static final AllowedTargets ANY = new AllowedTargets(List.of(), true);

    public AllowedTargets {
        patterns = List.copyOf(patterns);
    }

    public boolean allows(String normalisedHost, int port) {
        return any || patterns.stream().anyMatch(pattern -> pattern.matches(normalisedHost, port));
    }
}
