package io.dtrexporter.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Recorded-style DTR responses shipped in the jar (see src/test/fixtures/generate.py). The demo DTR
 * and the tests' simulated DTRs serve the same files.
 */
public enum Fixtures {
    CLUSTER_STATUS_HEALTHY("cluster_status-healthy.json"),
    CLUSTER_STATUS_UNHEALTHY_REPLICA("cluster_status-unhealthy-replica.json"),
    CLUSTER_STATUS_STATS_TIMEOUT("cluster_status-stats-timeout.json"),
    CLUSTER_STATUS_MULTI_SHARD("cluster_status-multi-shard.json"),
    CLUSTER_STATUS_ODD_SERVER_NAME("cluster_status-odd-server-name.json"),
    CLUSTER_STATUS_BAD_TIMESTAMP("cluster_status-bad-timestamp.json"),
    CLUSTER_STATUS_GC_RUNNING("cluster_status-gc-running.json"),
    CLUSTER_STATUS_EMPTY_OBJECT("cluster_status-empty-object.json"),
    JOBS("jobs.json"),
    JOBS_NULL("jobs-empty.json"),
    PING("ping.json"),
    PING_UNHEALTHY("ping-unhealthy.json"),
    WORKERS("workers.json"),
    SCANNING("imagescan-status.json"),
    SCANNING_DISABLED("imagescan-disabled.json"),
    CRONS("crons.json"),
    CRONS_WITHOUT_GC("crons-without-gc.json"),
    DOCS("docs.json");

    private final String file;

    Fixtures(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    public byte[] bytes() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/io/dtrexporter/fixtures/" + file)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + file + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
