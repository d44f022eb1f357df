package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The fields of a DTR job the exporter reads; action and status are open sets. */
@JsonIgnoreProperties(ignoreUnknown = true) // skipped, not buffered: see ResponseParsers
public record Job(String id, String action, String status, String lastUpdated) {
}
