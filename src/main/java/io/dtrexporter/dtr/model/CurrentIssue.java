package io.dtrexporter.dtr.model;

/** One row of rethink_system_tables.current_issues; {@code type} is an open set. */
public record CurrentIssue(String type, Boolean critical) {
}
