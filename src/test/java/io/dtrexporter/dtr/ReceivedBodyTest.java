package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.dtr.model.DtrVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

/** How one response is collected on the reactor thread, driven as HttpClient drives it, without a socket. */
class ReceivedBodyTest {
    private static final long LIMIT = 64L * 1024 * 1024;

    @Test
    void aSmallBodyOfDeclaredLengthGetsOneArrayOfThatLengthAndIsNeverCopied() throws IOException {
        byte[] body = body(30 * 1024);
        ReceivedBody<Object> received = receive(200, body.length);
        byte[] first = received.bytes();
        assertEquals(body.length, first.length, "allocated at the declared length");
        feed(received, body, 2048);
        assertTrue(first == received.bytes(), "the same array: nothing was copied while the body came");
        assertArrayEquals(body, Arrays.copyOf(received.bytes(), received.size()));
    }

    @Test
    void aLargeBodyOfDeclaredLengthEndsInAnArrayOfThatLength() throws IOException {
        byte[] body = body(318 * 1024); // docs.json's size; doubling made it a 512 KiB array
        ReceivedBody<Object> received = receive(200, body.length);
        feed(received, body, 16 * 1024);
        assertEquals(body.length, received.bytes().length);
        assertArrayEquals(body, Arrays.copyOf(received.bytes(), received.size()));
    }

    @Test
    void aContentLengthAloneAllocatesLittleAndTheArrayGrowsWithWhatCame() throws IOException {
        for (long declared : List.of(1024L * 1024, 20L * 1024 * 1024)) {
            ReceivedBody<Object> received = receive(200, declared);
            assertEquals(ReceivedBody.MAX_FIRST_CAPACITY, received.bytes().length,
                    "a DTR that declares " + declared + " bytes and stalls costs 64 KiB a call, not the declared length");
            byte[] part = body(70 * 1024);
            received.consume(ByteBuffer.wrap(part));
            assertTrue(received.bytes().length <= 4 * part.length, "grown to " + received.bytes().length);
        }
    }

    @Test
    void aBodyLongerThanItDeclaredIsStillCollectedWhole() throws IOException {
        byte[] body = body(300 * 1024);
        ReceivedBody<Object> received = receive(200, 1000);
        feed(received, body, 4096);
        assertEquals(body.length, received.size());
        assertArrayEquals(body, Arrays.copyOf(received.bytes(), received.size()));
    }

    @Test
    void aBodyOfUnknownLengthStartsSmall() throws IOException {
        ReceivedBody<Object> received = receive(200, -1);
        assertEquals(8 * 1024, received.bytes().length);
        byte[] body = body(100_000);
        feed(received, body, 1000);
        assertArrayEquals(body, Arrays.copyOf(received.bytes(), received.size()));
    }

    @Test
    void aBodyPastItsLimitStillFailsAsTooLarge() throws IOException {
        ReceivedBody<Object> received = new ReceivedBody<>(ApiCall::isSuccess, 10_000, 1000, null, () -> { }, () -> { });
        received.consumeResponse(new BasicHttpResponse(200), new BasicEntityDetails(-1, ContentType.APPLICATION_JSON),
                null, callback(new AtomicReference<>()));
        received.consume(ByteBuffer.wrap(body(9000)));
        assertThrows(BodyTooLargeException.class, () -> received.consume(ByteBuffer.wrap(body(2000))));
        assertTrue(received.overLimit());
    }

    /** Over HTTP/2 a throw would close the connection under the other calls: the caller is told instead. */
    @Test
    void aBodyPastItsLimitOverHttp2IsToldOnceNotThrownAndTheRestIsDropped() throws IOException {
        AtomicInteger told = new AtomicInteger();
        AtomicReference<ReceivedBody<Object>> completed = new AtomicReference<>();
        ReceivedBody<Object> received = new ReceivedBody<>(ApiCall::isSuccess, 10_000, 1000, null, () -> { },
                told::incrementAndGet);
        BasicHttpResponse response = new BasicHttpResponse(200);
        response.setVersion(HttpVersion.HTTP_2);
        received.consumeResponse(response, new BasicEntityDetails(-1, ContentType.APPLICATION_JSON), null,
                callback(completed));
        received.consume(ByteBuffer.wrap(body(9000)));
        ByteBuffer past = ByteBuffer.wrap(body(2000));
        received.consume(past);
        assertTrue(received.overLimit());
        assertEquals(1, told.get());
        assertEquals(0, past.remaining(), "taken, so the stream is not held while its reset comes");
        received.consume(ByteBuffer.wrap(body(5000)));
        received.streamEnd(List.of());
        received.releaseResources();
        assertEquals(1, told.get());
        assertEquals(9000, received.size(), "what came past the limit is not kept");
        assertEquals(null, completed.get(), "the call has failed: it is not completed as well");
    }

    @Test
    void aHeadThatAnswersBeforeTheEndIsToldOnceAndTheRestIsDropped() throws IOException {
        AtomicInteger told = new AtomicInteger();
        ReceivedBody<DtrVersion> received = new ReceivedBody<>(ApiCall::isSuccess, LIMIT, 64 * 1024,
                ResponseParsers.versionHead(), told::incrementAndGet, () -> { });
        byte[] body = Fixtures.DOCS.bytes();
        received.consumeResponse(new BasicHttpResponse(200), new BasicEntityDetails(body.length, ContentType.APPLICATION_JSON),
                null, callback(new AtomicReference<>()));
        feed(received, body, 1024);
        assertEquals(1, told.get());
        assertEquals("2.9.4", received.headAnswer().version());
        assertTrue(received.size() <= 1024, "stopped at the chunk that closed info: " + received.size());
        assertEquals(8 * 1024, received.bytes().length, "not the declared length: the head needed a few KB");
    }

    @Test
    void aHeadThatCannotTellLeavesTheBodyToBeReadWhole() throws IOException {
        AtomicInteger told = new AtomicInteger();
        ReceivedBody<DtrVersion> received = new ReceivedBody<>(ApiCall::isSuccess, LIMIT, 64 * 1024,
                ResponseParsers.versionHead(), told::incrementAndGet, () -> { });
        byte[] body = ("{\"paths\":{\"x\":\"" + "y".repeat(200_000) + "\"},\"info\":{\"version\":\"1\"}}")
                .getBytes(StandardCharsets.UTF_8);
        received.consumeResponse(new BasicHttpResponse(200), new BasicEntityDetails(-1, ContentType.APPLICATION_JSON),
                null, callback(new AtomicReference<>()));
        feed(received, body, 4096);
        assertEquals(0, told.get());
        assertEquals(null, received.headAnswer(), "info after the first 64 KiB: the whole parser finds it");
        assertEquals(body.length, received.size());
    }

    static ReceivedBody<Object> receive(int status, long declaredLength) throws IOException {
        ReceivedBody<Object> received = new ReceivedBody<>(ApiCall::isSuccess, LIMIT, 64 * 1024, null, () -> { }, () -> { });
        received.consumeResponse(new BasicHttpResponse(status),
                new BasicEntityDetails(declaredLength, ContentType.APPLICATION_JSON), null, callback(new AtomicReference<>()));
        return received;
    }

    static void feed(ReceivedBody<?> received, byte[] body, int chunk) throws IOException {
        for (int at = 0; at < body.length; at += chunk) {
            received.consume(ByteBuffer.wrap(body, at, Math.min(chunk, body.length - at)));
        }
        received.streamEnd(List.of());
    }

    static byte[] body(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    static <T> FutureCallback<ReceivedBody<T>> callback(AtomicReference<ReceivedBody<T>> completed) {
        return new FutureCallback<>() {
            @Override
            public void completed(ReceivedBody<T> result) {
                completed.set(result);
            }

            @Override
            public void failed(Exception ex) {
            }

            @Override
            public void cancelled() {
            }
        };
    }
}
