package io.dtrexporter.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One module of exporter.yml: what the exporter needs to probe a DTR.
 *
 * @param jobCount how many jobs to fetch from /api/v0/jobs; 0 skips the jobs call
 * @param timeout  upper bound for a whole probe of this module
 */
public record ModuleConfig(
        String name,
        Optional<BasicAuth> basicAuth,
        TlsConfig tls,
        int jobCount,
        Duration timeout) {

    public static final int DEFAULT_JOB_COUNT = 100;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** DTR caps the jobs limit at this value. */
    public static final int MAX_JOB_COUNT = 65536;
}
