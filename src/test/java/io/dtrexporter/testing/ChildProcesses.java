package io.dtrexporter.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Processes a test starts: the exporter as its own JVM, Prometheus. A process inherits the signals its
 * parent ignored, and a shell cannot take such a signal back: Maven run as a background job of a
 * script has SIGINT ignored, under nohup SIGHUP too, and some CI runners start jobs that way. So every
 * command here goes through GNU env, which sets HUP, INT and TERM to their defaults (or to ignored
 * where a test asks), whatever the runner that started the tests had.
 */
public final class ChildProcesses {
    private static final String SIGNALS = "HUP,INT,TERM";

    private ChildProcesses() {
    }

    /** {@code command} with HUP, INT and TERM at their defaults, whatever this JVM inherited. */
    public static List<String> withDefaultSignals(List<String> command) {
        return launched(List.of("env", "--default-signal=" + SIGNALS), command);
    }

    /** As {@link #withDefaultSignals}, but with {@code signal} (e.g. HUP) ignored, as nohup starts a process. */
    public static List<String> withIgnoredSignal(String signal, List<String> command) {
        return launched(List.of("env", "--default-signal=" + SIGNALS, "--ignore-signal=" + signal), command);
    }

    /** The java command that runs {@code main} with this JVM's class path. */
    public static List<String> java(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** SIGTERM, then SIGKILL if the process is still there after 10 s: a test never hangs on a child. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> launched(List<String> launcher, List<String> command) {
        List<String> all = new ArrayList<>(launcher);
        all.addAll(command);
        return all;
    }
}
