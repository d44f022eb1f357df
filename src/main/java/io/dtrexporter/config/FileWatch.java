package io.dtrexporter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls back when the content of some files changes: the one place that polls the config files
 * (exporter.yml and the web config, with every file they name). Content, not timestamps, because
 * Kubernetes swaps mounted secrets through symlinks.
 */
public final class FileWatch {
    private static final Logger LOG = Logger.getLogger(FileWatch.class.getName());

    private FileWatch() {
    }

    /**
     * @param files    the files to watch, asked anew each time (a reload may name other files)
     * @param onChange runs once per change of content, whether or not the new content is valid
     */
    public static void every(ScheduledExecutorService scheduler, Duration interval, Supplier<List<Path>> files,
                             Runnable onChange) {
        AtomicReference<String> seen = new AtomicReference<>(fingerprint(files.get()));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                String now = fingerprint(files.get());
                if (!now.equals(seen.getAndSet(now))) {
                    onChange.run();
                }
            } catch (RuntimeException e) {
                // an exception would end the scheduled task: keep watching
                LOG.log(Level.SEVERE, "reacting to a changed file failed", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A digest of the files' contents; a missing or unreadable file counts as a state too. */
    private static String fingerprint(List<Path> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
                try {
                    digest.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    digest.update((byte) 0); // missing or unreadable counts as a state too
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
