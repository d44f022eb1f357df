package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code GET /_ping}: {@code {"Error":"","Healthy":true}}, or 503 with the error filled. */
public record Ping(@JsonProperty(value = "Healthy", required = true) Boolean healthy,
                   @JsonProperty("Error") String error) {
}
