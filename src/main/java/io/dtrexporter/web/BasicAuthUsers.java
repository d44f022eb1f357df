package io.dtrexporter.web;

import io.dtrexporter.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * One loaded basic_auth_users, and the user:password pairs that already passed its bcrypt check.
 * A bcrypt check costs tens of milliseconds by design, and Prometheus sends the same credentials on
 * every scrape, so passes are remembered, as digests, not as passwords. A reload of the web config
 * makes a new instance: what the old file let in is forgotten.
 */
final class BasicAuthUsers {
    static final BasicAuthUsers NONE = new BasicAuthUsers(Map.of());
    private static final int REMEMBERED = 256;
    /** bcrypt's own comparison of a password with a hash. */
    private static final BiPredicate<String, String> BCRYPT =
            (hash, password) -> OpenBSDBCrypt.checkPassword(hash, password.toCharArray());

    private final Map<String, Secret<String>> hashes;
    private final BiPredicate<String, String> bcrypt;
    /** Digests of user, password and hash that passed, most recently used last. */
    private final Set<String> verified = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    BasicAuthUsers(Map<String, Secret<String>> hashes) {
        this(hashes, BCRYPT);
    }

    /** @param bcrypt (hash, password) to whether they match: a test's stands in for the slow real one */
    BasicAuthUsers(Map<String, Secret<String>> hashes, BiPredicate<String, String> bcrypt) {
        this.hashes = Map.copyOf(hashes);
        this.bcrypt = bcrypt;
    }

    /** No users configured: every request is let in. */
    boolean isEmpty() {
        return hashes.isEmpty();
    }

    /** Whether this pair passed {@link #verify} before: costs a SHA-256, no bcrypt. */
    boolean remembered(String user, String password) {
        Secret<String> hash = hashes.get(user);
        return hash != null && verified.contains(digest(user, password, hash.value()));
    }

    /**
     * One bcrypt check, whoever the user is: an unknown user is checked against a configured hash,
     * since answering it faster would tell which user names exist. A pass is remembered; a wrong
     * guess is not, so that a flood of them cannot push the right pairs out.
     */
    boolean verify(String user, String password) {
        Secret<String> hash = hashes.get(user);
        String against = hash != null ? hash.value() : hashes.values().iterator().next().value();
        boolean right = bcrypt.test(against, password) && hash != null;
        if (right) {
            verified.add(digest(user, password, hash.value()));
        }
        return right;
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
