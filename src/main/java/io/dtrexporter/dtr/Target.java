package io.dtrexporter.dtr;

import java.net.URI;
import java.net.URISyntaxException;
import io.dtrexporter.config.HostPattern;
import java.util.Locale;

/**
 * A DTR to probe: scheme, host, port and an optional path prefix (a DTR behind a path-routing
 * proxy), parsed from the {@code target} query parameter. Credentials, queries and fragments are
 * refused: the module carries the credentials, the exporter chooses the API paths. The host is
 * normalised as {@link HostPattern} compares hosts.
 */
public record Target(String scheme, String host, int port, String pathPrefix) {
    public static final int MAX_LENGTH = 2048;

    /** Accepts {@code https://host[:port][/prefix]}, {@code http://...} and {@code host[:port]} (https). */
    public static Target parse(String raw) {
        if (raw.length() > MAX_LENGTH) {
            throw new InvalidTargetException("target is longer than " + MAX_LENGTH + " characters");
        }
        if (raw.chars().anyMatch(c -> c < 0x20 || c == 0x7f || Character.isWhitespace(c))) {
            throw invalid(raw, "it contains spaces or control characters");
        }
        String withScheme = raw.contains("://") ? raw : "https://" + raw;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw invalid(raw, "it is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(raw, "the scheme must be http or https");
        }
        if (uri.getRawUserInfo() != null) {
            // not echoed: the user info may be a password
            throw new InvalidTargetException("invalid target: it must not contain user info; credentials belong in the module");
        }
        if (uri.getHost() == null) {
            throw invalid(raw, "it has no valid host name");
        }
        if (uri.getRawQuery() != null) {
            throw invalid(raw, "it must not contain a query");
        }
        if (uri.getRawFragment() != null) {
            throw invalid(raw, "it must not contain a fragment");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (port < 1 || port > 65535) { // java.net.URI takes any number
            throw invalid(raw, "the port must be a number from 1 to 65535");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host;
        try {
            host = HostPattern.normaliseHost(uri.getHost());
        } catch (IllegalArgumentException e) {
            throw invalid(raw, e.getMessage());
        }
        return new Target(scheme, host, port, path);
    }

    public boolean isHttps() {
        return scheme.equals("https");
    }

    /** The URI of an API path (which may carry a query) on this DTR. */
    public URI resolve(String apiPathAndQuery) {
        return URI.create(origin() + pathPrefix + apiPathAndQuery);
    }

    /** {@code https://dtr.corp:443/prefix}: the target as the exporter understood it. */
    @Override
    public String toString() {
        return origin() + pathPrefix;
    }

    private String origin() {
        return scheme + "://" + host + ":" + port;
    }

    private static InvalidTargetException invalid(String raw, String why) {
        return new InvalidTargetException("invalid target \"" + raw + "\": " + why);
    }
}
