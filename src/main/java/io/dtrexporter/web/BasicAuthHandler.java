package io.dtrexporter.web;

import io.dtrexporter.config.Secret;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * basic_auth_users of the web config: a request without a user and password matching a bcrypt hash
 * gets 401. A bcrypt check costs tens of milliseconds by design, and Prometheus sends the same
 * credentials on every scrape, so combinations that passed are remembered (as digests, not as
 * passwords); wrong ones are not.
 */
final class BasicAuthHandler implements HttpHandler {
    private static final String CHALLENGE = "Basic realm=\"dtr-exporter\", charset=\"UTF-8\"";
    private static final int REMEMBERED = 256;

    private final Supplier<Map<String, Secret<String>>> users;
    private final HttpHandler next;
    /** Digests of user, password and hash that passed, most recently used last. */
    private final Set<String> verified = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    BasicAuthHandler(Supplier<Map<String, Secret<String>>> users, HttpHandler next) {
        this.users = users;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Map<String, Secret<String>> current = users.get();
        if (current.isEmpty()) {
            next.handleRequest(exchange);
            return;
        }
        String[] credentials = credentials(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (credentials == null) {
            challenge(exchange);
            return;
        }
        Secret<String> hash = current.get(credentials[0]);
        if (hash != null && verified.contains(digest(credentials[0], credentials[1], hash.value()))) {
            next.handleRequest(exchange);
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this); // bcrypt is slow on purpose: not on an IO thread
            return;
        }
        // An unknown user costs a bcrypt check too, against a configured hash: answering it faster
        // would tell which user names exist.
        String against = hash != null ? hash.value() : current.values().iterator().next().value();
        boolean right = OpenBSDBCrypt.checkPassword(against, credentials[1].toCharArray()) && hash != null;
        if (right) {
            verified.add(digest(credentials[0], credentials[1], hash.value()));
            next.handleRequest(exchange);
        } else {
            challenge(exchange); // not remembered: a flood of wrong guesses must not push out the right ones
        }
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

    /** The hash is part of the key, so that a changed hash is checked anew. */
    private static String digest(String user, String password, String hash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {user, password, hash}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
