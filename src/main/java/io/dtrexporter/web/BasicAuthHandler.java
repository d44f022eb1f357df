package io.dtrexporter.web;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * basic_auth_users of the web config: a request without a user and password matching a bcrypt hash
 * gets 401. A pair that passed before costs a SHA-256 on the I/O thread; any other waits for its
 * turn in the {@link BcryptLine}, and what it let in goes on on the I/O thread, as a remembered
 * pair would.
 */
final class BasicAuthHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(BasicAuthHandler.class.getName());
    private static final String CHALLENGE = "Basic realm=\"dtr-exporter\", charset=\"UTF-8\"";

    private final Supplier<BasicAuthUsers> users;
    private final BcryptLine bcrypt;
    private final HttpHandler next;

    BasicAuthHandler(Supplier<BasicAuthUsers> users, BcryptLine bcrypt, HttpHandler next) {
        this.users = users;
        this.bcrypt = bcrypt;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        BasicAuthUsers current = users.get();
        if (current.isEmpty()) {
            next.handleRequest(exchange);
            return;
        }
        String[] credentials = credentials(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (credentials == null) {
            challenge(exchange);
            return;
        }
        if (current.remembered(credentials[0], credentials[1])) {
            next.handleRequest(exchange);
            return;
        }
        Executor line = bcrypt.admit();
        if (line == null) {
            LOG.fine(() -> "refused a password check from " + exchange.getSourceAddress() + ": "
                    + BcryptLine.MAX_WAITING + " checks already waiting");
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            Responses.text(exchange, 503, "too many password checks waiting; try again");
            return;
        }
        exchange.dispatch(line, ExporterServer.guarded(checked -> {
            if (current.verify(credentials[0], credentials[1])) {
                checked.dispatch(checked.getIoThread(), next);
            } else {
                LOG.fine(() -> "wrong password or unknown user from " + checked.getSourceAddress());
                challenge(checked);
            }
        }));
    }

    /** {user, password}, or null when the header is absent or not Basic. */
    private static String[] credentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void challenge(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
        Responses.text(exchange, 401, "unauthorized");
    }
}
