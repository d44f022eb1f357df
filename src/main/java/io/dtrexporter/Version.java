package io.dtrexporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The exporter's version, written into the jar by the build. */
public final class Version {
    public static final String NAME = "dtr-exporter";
    public static final String VERSION = load();

    private Version() {
    }

    public static String userAgent() {
        return NAME + "/" + VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/dtr-exporter-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
