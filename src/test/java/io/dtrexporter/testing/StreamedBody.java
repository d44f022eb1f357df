package io.dtrexporter.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A large response body written by a test's own HTTP server: {@code head}, then {@code chunk} again
 * and again up to {@code total} bytes, counting what was sent, so a test can tell whether the
 * exporter stopped reading. The exporter hanging up ends it quietly: that is what such tests want.
 */
public final class StreamedBody {
    private StreamedBody() {
    }

    public static void write(OutputStream out, byte[] head, byte[] chunk, long total, AtomicLong sent) {
        try (out) {
            out.write(head);
            long written = head.length;
            while (written < total) {
                int n = (int) Math.min(chunk.length, total - written);
                out.write(chunk, 0, n);
                written += n;
                sent.set(written);
            }
        } catch (IOException e) {
            // the exporter hung up
        }
    }
}
