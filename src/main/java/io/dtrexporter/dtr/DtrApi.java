package io.dtrexporter.dtr;

/** The DTR API calls a probe makes; {@link #label()} is the value of the {@code api} metric label. */
public enum DtrApi {
    CLUSTER_STATUS("cluster_status"),
    JOBS("jobs"),
    PING("ping"),
    WORKERS("workers");

    private final String label;

    DtrApi(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
