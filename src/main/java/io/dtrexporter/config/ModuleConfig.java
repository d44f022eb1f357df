package io.dtrexporter.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One module of exporter.yml: what the exporter needs to probe a DTR.
 *
 * @param allowedTargets the hosts its probes may connect to
 * @param allowPlainHttp  whether its credentials may travel over plain http
 * @param jobCount        how many jobs to fetch from /api/v0/jobs; 0 skips the jobs call
 * @param timeout         upper bound for a whole probe of this module
 * @param ping            also call /_ping (no login) for the answering replica's health
 * @param workers         also call /api/v0/workers for the job runners' state and capacity
 * @param scanning        also call /api/v0/imagescan/status for the vulnerability database's freshness
 * @param crons           also call /api/v0/crons for the recurring jobs' next runs
 * @param version         also read the DTR's version from /api/v0/docs.json (at most every 30 minutes)
 */
public record ModuleConfig(
        String name,
        Optional<BasicAuth> basicAuth,
        TlsConfig tls,
        AllowedTargets allowedTargets,
        boolean allowPlainHttp,
        int jobCount,
        Duration timeout,
        boolean ping,
        boolean workers,
        boolean scanning,
        boolean crons,
        boolean version) {

    /** With the optional calls on, as a module without those keys has them. */
    public ModuleConfig(String name, Optional<BasicAuth> basicAuth, TlsConfig tls, AllowedTargets allowedTargets,
                        boolean allowPlainHttp, int jobCount, Duration timeout) {
        this(name, basicAuth, tls, allowedTargets, allowPlainHttp, jobCount, timeout, true, true, true, true, true);
    }

    public static final int DEFAULT_JOB_COUNT = 100;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** DTR caps the jobs limit at this value. */
    public static final int MAX_JOB_COUNT = 65536;

    /** A module without credentials: it sends nothing worth guarding, wherever it connects. */
    public static ModuleConfig anonymous(String name) {
        return new ModuleConfig(name, Optional.empty(), TlsConfig.DEFAULT, AllowedTargets.ANY, true,
                DEFAULT_JOB_COUNT, DEFAULT_TIMEOUT);
    }

    /** Basic auth or a client certificate: something a wrong target must never receive. */
    public boolean hasCredentials() {
        return basicAuth.isPresent() || tls.clientCertificate().isPresent();
    }
}
