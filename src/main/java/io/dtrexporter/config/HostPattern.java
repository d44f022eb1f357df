package io.dtrexporter.config;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One entry of allowed_targets: {@code host} or {@code host:port}, where {@code *} matches within
 * one DNS label ({@code *.dtr.corp}, {@code dtr-*.corp:4443}, {@code 10.0.3.*}, {@code [fd00::2]:443}).
 * It is matched against a host that has already been parsed out of a URL and normalised the same
 * way, never against the raw target string.
 */
public record HostPattern(String text, List<Pattern> labels, OptionalInt port) {
    private static final Pattern LABEL_CHARS = Pattern.compile("[a-z0-9*_-]+");
    private static final String IPV4_OCTET = "25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]";

    public HostPattern {
        labels = List.copyOf(labels);
    }

    /** @throws IllegalArgumentException with a message fit for the config error */
    public static HostPattern parse(String text) {
        String host = text;
        OptionalInt port = OptionalInt.empty();
        if (host.startsWith("[")) { // [v6] or [v6]:port
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + text + "\" has no closing ]");
            }
            if (close + 1 < host.length()) {
                port = port(host.substring(close + 1), text);
            }
            host = host.substring(0, close + 1);
        } else if (host.indexOf(':') >= 0) {
            port = port(host.substring(host.indexOf(':')), text);
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.isEmpty() || host.contains("..") || host.startsWith(".")) {
            throw new IllegalArgumentException("\"" + text + "\" is not a host pattern (host, host:port, *.domain)");
        }
        String normalised = normaliseHost(host);
        if (normalised.startsWith("[")) {
            return new HostPattern(text, List.of(Pattern.compile(Pattern.quote(normalised))), port);
        }
        String[] parts = normalised.split("\\.");
        // 10.0.3.* is a subnet, not a name: its * stands for a number only, or 10.0.3.evil would pass
        boolean ipv4 = parts.length == 4 && Arrays.stream(parts).allMatch(part -> part.matches("[0-9]{1,3}|\\*"));
        List<Pattern> labels = Arrays.stream(parts).map(label -> {
            if (!LABEL_CHARS.matcher(label).matches()) {
                throw new IllegalArgumentException("\"" + text + "\" is not a host pattern: \"" + label
                        + "\" is not a DNS label (letters, digits, -, and * for any part of one label)");
            }
            return Pattern.compile(ipv4 && label.equals("*") ? IPV4_OCTET
                    : label.replace("*", "[^.]*").replace("-", "\\-"));
        }).toList();
        return new HostPattern(text, labels, port);
    }

    /**
     * The form hosts are compared in: lower case, no trailing dot, IDN as punycode, IPv6 literals in
     * brackets in their canonical spelling.
     */
    public static String normaliseHost(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.startsWith("[") && lower.endsWith("]")) {
            String literal = lower.substring(1, lower.length() - 1);
            if (!literal.matches("[0-9a-f:.]+")) {
                throw new IllegalArgumentException("\"" + host + "\" is not an IPv6 address");
            }
            try {
                // a literal: no name lookup happens
                InetAddress address = InetAddress.getByName(literal);
                // an IPv4-mapped address ([::ffff:10.0.3.7]) is that IPv4 address, and is written so
                return address instanceof Inet4Address ? address.getHostAddress()
                        : "[" + compressed(address.getHostAddress()) + "]";
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("\"" + host + "\" is not an IPv6 address");
            }
        }
        try {
            return IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid host name");
        }
    }

    /** Whether a normalised host and its effective port are allowed by this pattern. */
    public boolean matches(String normalisedHost, int targetPort) {
        if (port.isPresent() && port.getAsInt() != targetPort) {
            return false;
        }
        if (normalisedHost.startsWith("[")) {
            return labels.size() == 1 && labels.get(0).matcher(normalisedHost).matches();
        }
        String[] hostLabels = normalisedHost.split("\\.", -1);
        if (hostLabels.length != labels.size()) {
            return false;
        }
        for (int i = 0; i < hostLabels.length; i++) {
            if (!labels.get(i).matcher(hostLabels[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    /** By the pattern as written: compiled regexes have no equality, and a reload compares modules. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HostPattern pattern && pattern.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** RFC 5952 spelling: the JDK writes 0:0:0:0:0:0:0:1 where everyone else writes ::1. */
    private static String compressed(String full) {
        String[] groups = full.split(":");
        if (groups.length != 8) {
            return full; // an IPv4 address given in brackets: keep it as the JDK read it
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length].equals("0")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, 8));
        return head + "::" + tail;
    }

    private static OptionalInt port(String colonAndPort, String text) {
        if (!colonAndPort.matches(":[0-9]{1,5}")) {
            throw new IllegalArgumentException("\"" + text + "\": the port must be a number after one colon");
        }
        int port = Integer.parseInt(colonAndPort.substring(1));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("\"" + text + "\": the port must be from 1 to 65535");
        }
        return OptionalInt.of(port);
    }
}
