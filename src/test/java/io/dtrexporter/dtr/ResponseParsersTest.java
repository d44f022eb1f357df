package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dtrexporter.dtr.model.JobList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParsersTest {
    /**
     * Keys the exporter does not read are skipped, never buffered: an unknown field far beyond
     * Jackson's 20,000,000-character string limit does not fail the body (a buffered copy did), in a
     * nested record as in the top-level one.
     */
    @Test
    void unknownKeysAreSkippedHoweverLargeTheirValues() throws IOException {
        String huge = "x".repeat(21_000_000);
        String body = "{\"notes\":\"" + huge + "\",\"jobs\":[{\"parameters\":{\"blob\":\"" + huge
                + "\"},\"id\":\"j1\",\"action\":\"tag_prune\",\"status\":\"done\",\"lastUpdated\":\"2026-11-20T11:59:41Z\"}]}";
        JobList jobs = ResponseParsers.jobs(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, jobs.jobs().size());
        assertEquals("tag_prune", jobs.jobs().get(0).action());
    }
}
