package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One row of rethink_system_tables.current_issues; {@code type} is an open set. */
@JsonIgnoreProperties(ignoreUnknown = true) // skipped, not buffered: see ResponseParsers
public record CurrentIssue(String type, Boolean critical) {
}
