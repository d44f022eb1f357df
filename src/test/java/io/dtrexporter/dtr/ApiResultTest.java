package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.dtr.ApiResult.Failure;
import org.junit.jupiter.api.Test;

class ApiResultTest {
    @Test
    void aDtrErrorMessageAsLongAsAnErrorBodyIsCutInTheFailureDetail() {
        String message = "HTTP 401: NOT_AUTHORIZED: " + "x".repeat(60_000);
        String detail = new Failure(FailureReason.UNAUTHORIZED, message).detail();
        assertTrue(detail.startsWith("HTTP 401: NOT_AUTHORIZED: xxx"), detail);
        assertTrue(detail.endsWith("... (" + (message.length() - Failure.MAX_DETAIL_CHARS) + " more characters)"), detail);
        assertTrue(detail.length() < Failure.MAX_DETAIL_CHARS + 40, "length " + detail.length());
    }

    @Test
    void aShortDetailStaysWholeAndACutNeverSplitsACharacter() {
        assertEquals("connection refused", new Failure(FailureReason.CONNECTION, "connection refused").detail());
        String emoji = "\uD83D\uDE00"; // one character, two chars
        String detail = new Failure(FailureReason.HTTP_STATUS, "y".repeat(Failure.MAX_DETAIL_CHARS - 1) + emoji + "z").detail();
        assertTrue(detail.startsWith("y".repeat(Failure.MAX_DETAIL_CHARS - 1) + "... (3 more"), detail);
    }
}
