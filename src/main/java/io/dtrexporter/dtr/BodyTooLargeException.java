package io.dtrexporter.dtr;

import java.io.IOException;

/** A response body passed the size limit; reading stopped there. */
final class BodyTooLargeException extends IOException {
    BodyTooLargeException(long limit) {
        super("body larger than " + limit + " bytes");
    }
}
