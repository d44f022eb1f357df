package io.dtrexporter.dtr.model;

/** The fields of a DTR job the exporter reads; action and status are open sets. */
public record Job(String id, String action, String status, String lastUpdated) {
}
