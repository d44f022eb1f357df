package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

class SlicedTlsInputTest {
    /** Takes what it is given, or only {@code takes} bytes of each call when that is set. */
    private static final class Recording implements IOEventHandler {
        final List<Integer> sizes = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int takes = Integer.MAX_VALUE;

        @Override
        public void inputReady(IOSession session, ByteBuffer src) {
            if (src == null) {
                sizes.add(-1);
                return;
            }
            sizes.add(src.remaining());
            int n = Math.min(takes, src.remaining());
            byte[] taken = new byte[n];
            src.get(taken);
            received.writeBytes(taken);
        }

        @Override public void connected(IOSession session) { }
        @Override public void outputReady(IOSession session) { }
        @Override public void timeout(IOSession session, Timeout timeout) { }
        @Override public void exception(IOSession session, Exception cause) { }
        @Override public void disconnected(IOSession session) { }
    }

    @Test
    void aWholeTlsRecordIsHandedOnInSlicesInOrderAndInFull() throws Exception {
        byte[] record = new byte[16384 + 77];
        new Random(7).nextBytes(record);
        Recording handler = new Recording();
        ByteBuffer src = ByteBuffer.wrap(record);

        SlicedTlsInput.inSlices(handler, null, src);

        assertArrayEquals(record, handler.received.toByteArray());
        assertFalse(src.hasRemaining(), "the record is used up, as the TLS layer expects");
        assertEquals(17, handler.sizes.size());
        assertTrue(handler.sizes.stream().allMatch(size -> size <= SlicedTlsInput.SLICE_BYTES), handler.sizes.toString());
    }

    @Test
    void smallInputAndTheEndOfStreamPassAsTheyAre() throws Exception {
        Recording handler = new Recording();
        SlicedTlsInput.inSlices(handler, null, ByteBuffer.wrap(new byte[300]));
        SlicedTlsInput.inSlices(handler, null, null);
        assertEquals(List.of(300, -1), handler.sizes);
    }

    @Test
    void aHandlerThatStopsTakingGetsNoMoreSlices() throws Exception {
        Recording handler = new Recording();
        handler.takes = 100; // e.g. a connection shutting down
        SlicedTlsInput.inSlices(handler, null, ByteBuffer.wrap(new byte[5000]));
        assertEquals(List.of(SlicedTlsInput.SLICE_BYTES), handler.sizes);
    }
}
