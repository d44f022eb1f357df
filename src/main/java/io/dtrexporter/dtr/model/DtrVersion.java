package io.dtrexporter.dtr.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /api/v0/docs.json}, the API's Swagger document, of which only {@code info.version} is
 * read: every other key (hundreds of KB of endpoints) is skipped as the parser streams past it.
 */
public record DtrVersion(@JsonProperty(required = true) Info info) {
    public DtrVersion {
        // a Swagger document without a version is not the document the call asks for
        if (info == null || info.version() == null || info.version().isBlank()) {
            throw new IllegalArgumentException("the document has no info.version");
        }
    }

    /** The document's {@code info} object. */
    public record Info(@JsonProperty(required = true) String version) {
    }

    /** The DTR's version, e.g. {@code 2.9.4}. */
    public String version() {
        return info.version();
    }
}
