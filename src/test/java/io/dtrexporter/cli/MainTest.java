package io.dtrexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dtrexporter.Version;
import io.dtrexporter.probe.LiveModules;
import io.dtrexporter.testing.FreePorts;
import io.dtrexporter.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line as the issue specifies it: --help and --version exit 0; a wrong flag, an invalid
 * config or a port in use exit 1 with one line on stderr and no stack trace.
 */
class MainTest {
    private static final String VALID_CONFIG = "modules:\n  default: {}\n";
    /** For runs in this JVM: handlers put in the JVM would outlive the call and stop nothing. */
    static final Main.SignalHandlers NO_JVM_SIGNALS = (name, action) -> true;

    @TempDir
    Path folder;

    /** What Main.run printed and returned; only for the paths that exit, since a started exporter serves forever. */
    private record Exit(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpListsEveryFlagAndExitsZero(String helpFlag) {
        Exit exit = run(helpFlag);

        assertEquals(0, exit.code());
        for (String flag : List.of("--config.file", "--web.listen-address", "--demo", "--log.level", "--help",
                "--version")) {
            assertTrue(exit.out().contains(flag), flag + " missing from:\n" + exit.out());
        }
        assertTrue(exit.out().contains("Default: exporter.yml"), exit.out());
        assertTrue(exit.out().contains("Default: :9580"), exit.out());
        assertEquals("", exit.err());
    }

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        Exit exit = run("--version");

        assertEquals(0, exit.code());
        assertTrue(Version.VERSION.matches("\\d+\\.\\d+\\.\\d+.*"),
                "the build writes the pom's version into the jar, not \"" + Version.VERSION + "\"");
        assertTrue(exit.out().startsWith("dtr-exporter, version " + Version.VERSION + " "), exit.out());
        assertEquals(1, exit.out().lines().count(), exit.out());
        assertEquals("", exit.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --no-such-flag                | unknown flag --no-such-flag
            --web.listen-address=nope     | --web.listen-address=nope: expected host:port or :port
            --web.listen-address=:99999   | --web.listen-address=:99999: the port must be a number from 0 to 65535
            --web.listen-address=:+80     | --web.listen-address=:+80: the port must be a number from 0 to 65535
            --web.listen-address=nope.invalid:9580 | --web.listen-address=nope.invalid:9580: unknown host "nope.invalid"
            --log.level=loud              | --log.level=loud: expected trace, debug, info, warn or error
            --demo=maybe                  | --demo=maybe: expected true or false
            --config.file                 | flag --config.file needs a value
            --probe.max-concurrent=0      | --probe.max-concurrent=0: expected a whole number from 1 to 10000
            --probe.max-concurrent=+5     | --probe.max-concurrent=+5: expected a whole number from 1 to 10000
            --history.limit=many          | --history.limit=many: expected a whole number from 1 to 10000
            --web.max-connections=0       | --web.max-connections=0: expected a whole number from 1 to 1000000
            --web.max-connections=lots    | --web.max-connections=lots: expected a whole number from 1 to 1000000
            --job-count=-1                | --job-count=-1: expected a whole number from 0 to 65536
            --log.format=xml              | --log.format=xml: expected logfmt or json
            --config.auto-reload-interval=soon | --config.auto-reload-interval=soon: expected a duration such as 30s or 1m
            --timeout-offset=-1           | --timeout-offset=-1: expected a number of seconds, 0 or more
            --config=exporter.yml         | unknown flag --config (did you mean --config.file?)
            --web.listen-adress=:9580     | unknown flag --web.listen-adress (did you mean --web.listen-address?)
            --listen-address=:9580        | unknown flag --listen-address (did you mean --web.listen-address?)
            --log-level=debug             | unknown flag --log-level (did you mean --log.level?)
            -config.file=exporter.yml     | unknown flag -config.file (did you mean --config.file?)
            -dtr-password=s3cret          | unknown flag -dtr-password (did you mean --dtr-password?)
            exporter.yml                  | unexpected argument "exporter.yml"; flags look like --name=value
            dtr-password=s3cret           | unexpected argument "dtr-password=..."; flags look like --name=value
            --no-such-flag=s3cret         | unknown flag --no-such-flag
            """)
    void wrongFlagExitsOneWithOneLineNamingIt(String flag, String problem) {
        Exit exit = run("--config.file=" + writeConfig(VALID_CONFIG), flag);

        assertEquals(1, exit.code());
        assertEquals(List.of("dtr-exporter: error: " + problem + "; try --help"), exit.errLines());
        assertEquals("", exit.out());
    }

    /** A space after = turns the password into a stray word: it is not repeated. */
    @Test
    void aStrayWordAfterAPasswordFlagIsNotShown() {
        Exit exit = run("--config.file=" + writeConfig(VALID_CONFIG), "--dtr-password=", "s3cret-Pa55");

        assertEquals(1, exit.code());
        assertEquals(List.of("dtr-exporter: error: unexpected argument after --dtr-password (not shown: it may be the"
                + " password); flags look like --name=value; try --help"), exit.errLines());
    }

    /** The old exporter's flags: what is missing or contradictory is named, in the flag's and the variable's names. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --connection-string=https://dtr.corp --dtr-username=monitor | --dtr-password / DTR_PASSWORD is missing (--dtr-username / DTR_USERNAME is set)
            --connection-string=https://dtr.corp --dtr-password=s3cret  | --dtr-username / DTR_USERNAME is missing (--dtr-password / DTR_PASSWORD is set)
            --port=9581 --web.listen-address=:9580                       | --port=9581 and --web.listen-address=:9580 both set the listen address; give one of them
            """)
    void wrongCombinationOfFlagsExitsOneWithOneLineNamingThem(String flags, String problem) {
        List<String> args = new java.util.ArrayList<>(List.of(flags.split(" ")));
        args.add("--config.file=" + writeConfig("modules: {}\n"));
        Exit exit = run(args.toArray(String[]::new));

        assertEquals(1, exit.code());
        assertEquals(List.of("dtr-exporter: error: " + problem + "; try --help"), exit.errLines());
        assertEquals("", exit.out());
    }

    @Test
    void invalidConfigExitsOneWithTheConfigMessageAndNoStackTrace() {
        Path config = writeConfig("modules:\n  prod:\n    timeout: ten\n");

        Exit exit = run("--config.file=" + config, "--web.listen-address=127.0.0.1:0");

        assertEquals(1, exit.code());
        assertEquals(List.of("dtr-exporter: error: config file " + config
                + ": modules.prod.timeout: \"ten\" is not a duration (e.g. 500ms, 10s, 1m)"), exit.errLines());
        assertNoStackTrace(exit);
    }

    @Test
    void configCheckSaysAValidConfigIsValidAndExitsZero() {
        Path config = writeConfig("modules:\n  prod: {timeout: 5s}\n  lab: {job_count: 0}\n");

        Exit exit = run("--config.file=" + config, "--config.check");

        assertEquals(0, exit.code());
        assertEquals("config file " + config + " is valid: 2 modules (lab, prod)\n", exit.out());
    }

    @Test
    void configCheckOfAnInvalidConfigExitsOneWithTheMessage() {
        Path config = writeConfig("modules:\n  prod:\n    timeout: ten\n");

        Exit exit = run("--config.file=" + config, "--config.check");

        assertEquals(1, exit.code());
        assertEquals(List.of("dtr-exporter: error: config file " + config
                + ": modules.prod.timeout: \"ten\" is not a duration (e.g. 500ms, 10s, 1m)"), exit.errLines());
        assertEquals("", exit.out());
    }

    @Test
    void missingConfigFileExitsOneNamingIt() {
        Path config = folder.resolve("absent.yml");

        Exit exit = run("--config.file=" + config, "--web.listen-address=127.0.0.1:0");

        assertEquals(1, exit.code());
        assertEquals(List.of("dtr-exporter: error: config file " + config + ": cannot read it: no such file"),
                exit.errLines());
        assertNoStackTrace(exit);
    }

    @Test
    void portInUseExitsOneSayingSo() throws IOException {
        Path config = writeConfig(VALID_CONFIG);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();

            Exit exit = run("--config.file=" + config, "--web.listen-address=" + address);

            assertEquals(1, exit.code());
            assertEquals(List.of("dtr-exporter: error: cannot listen on " + address + ": address already in use"),
                    exit.errLines());
            assertNoStackTrace(exit);
        }
    }

    /** The error is the one line: a process that never started has not "stopped". */
    @Test
    void portInUseLogsNothingBesideTheError() throws IOException {
        Path config = writeConfig(VALID_CONFIG);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             LogCapture logged = LogCapture.of("io.dtrexporter", record -> true)) {
            Exit exit = run("--config.file=" + config, "--web.listen-address=127.0.0.1:" + taken.getLocalPort());

            assertEquals(1, exit.code());
            assertEquals(List.of(), logged.records().stream().map(LogRecord::getMessage).toList());
        }
    }

    /** Ctrl-C pressed twice, or SIGTERM then SIGINT, while probes drain: one stop, one "stopped" line. */
    @Test
    void aSecondStopSignalStopsNothingMoreAndLogsNoSecondStopped() throws Exception {
        int port = FreePorts.loopback();
        Map<String, Runnable> handlers = new ConcurrentHashMap<>();
        try (LogCapture stopped = LogCapture.of(Main.class.getName(), record -> record.getMessage().equals("stopped"))) {
            CompletableFuture<Integer> exit = runUntilStopped(port, (name, action) -> {
                handlers.put(name, action);
                return true;
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!handlers.containsKey("INT") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread first = new Thread(handlers.get("TERM"));
            Thread second = new Thread(handlers.get("INT"));
            first.start();
            second.start();
            first.join(30_000);
            second.join(30_000);

            assertEquals(0, exit.get(30, TimeUnit.SECONDS));
            assertEquals(1, stopped.records().size());
        }
    }

    @Test
    void addressOfAnotherMachineIsNotReportedAsInUse() {
        String address = "192.0.2.1:0"; // TEST-NET-1 (RFC 5737): assigned to no machine
        assumeTrue(!canBind(address("192.0.2.1")), "this machine has a TEST-NET-1 address");

        Exit exit = run("--config.file=" + writeConfig(VALID_CONFIG), "--web.listen-address=" + address);

        assertEquals(1, exit.code());
        assertEquals(1, exit.errLines().size(), exit.err());
        assertTrue(exit.err().startsWith("dtr-exporter: error: cannot listen on " + address + ": "), exit.err());
        assertFalse(exit.err().contains("in use"), exit.err());
        assertNoStackTrace(exit);
    }

    @Test
    void anyInterfaceAddressListensOnLoopbackToo() throws IOException {
        assertServesOn(":0", InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void ipv4HostAndPortListens() throws IOException {
        assertServesOn("127.0.0.1:0", InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void bracketedIpv6HostAndPortListens() throws IOException {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        assumeTrue(canBind(ipv6Loopback), "IPv6 loopback is not available here");

        assertServesOn("[::1]:0", ipv6Loopback);
    }

    private void assertServesOn(String listenAddress, InetAddress connectTo) throws IOException {
        try (Main.Running running = Main.start("--config.file=" + writeConfig(VALID_CONFIG),
                "--web.listen-address=" + listenAddress, "--log.level=error")) {
            assertTrue(running.port() > 0, "port 0 means: pick a free one");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(connectTo, running.port()), 5_000);
                socket.getOutputStream().write("GET /metrics HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.0 200"), response.lines().findFirst().orElse(""));
            }
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean canBind(InetAddress address) {
        try (ServerSocket probe = new ServerSocket(0, 1, address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * SIGHUP's handler goes in before the port answers: a supervisor that sends it as soon as the port
     * does must not meet the JVM's default, which ends the process. A SIGHUP that comes while the
     * exporter starts reloads once it has started.
     */
    @Test
    void sighupsHandlerIsInBeforeThePortAnswersAndAnEarlySighupReloadsOnceStarted() throws Exception {
        int port = FreePorts.loopback();
        List<String> installedWhileAnswering = new CopyOnWriteArrayList<>();
        Map<String, Runnable> handlers = new ConcurrentHashMap<>();
        Main.SignalHandlers recording = (name, action) -> {
            if (answers(port)) {
                installedWhileAnswering.add(name);
            }
            handlers.put(name, action);
            if (name.equals("HUP")) {
                new Thread(action).start(); // a SIGHUP right away, as the JVM would deliver it
            }
            return true;
        };
        try (LogCapture reloads = LogCapture.of(LiveModules.class.getName(),
                record -> record.getMessage().startsWith("config reloaded"))) {
            CompletableFuture<Integer> exit = runUntilStopped(port, recording);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while ((reloads.records().isEmpty() || !handlers.containsKey("INT")) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }

                assertFalse(installedWhileAnswering.contains("HUP"), "SIGHUP's handler went in after the port answered");
                assertEquals(Set.of("HUP", "TERM", "INT"), handlers.keySet());
                assertEquals(1, reloads.records().size(), "the early SIGHUP reloaded once the exporter had started");
            } finally {
                handlers.getOrDefault("TERM", () -> { }).run();
            }
            assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        }
        assertFalse(answers(port), "stopped");
    }

    /** Under nohup a failed start still says one line: the ignored-signal warnings wait for a start. */
    @Test
    void aFailedStartLogsNoSignalWarning() throws Exception {
        Path broken = writeConfig("modules: [");
        try (LogCapture warnings = LogCapture.atLeast(Level.WARNING, Main.class)) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"--config.file=" + broken, "--web.listen-address=127.0.0.1:0"},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), (name, action) -> false);

            assertEquals(1, code);
            assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), err.toString(StandardCharsets.UTF_8));
            assertEquals(List.of(), warnings.records().stream().map(LogRecord::getMessage).toList());
        }
    }

    /** Main.run serving on 127.0.0.1:port until a signal handler stops it. */
    private CompletableFuture<Integer> runUntilStopped(int port, Main.SignalHandlers signals) {
        Path config = writeConfig(VALID_CONFIG);
        PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return CompletableFuture.supplyAsync(() -> Main.run(
                new String[] {"--config.file=" + config, "--web.listen-address=127.0.0.1:" + port},
                discard, discard, signals));
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertNoStackTrace(Exit exit) {
        assertFalse(exit.errLines().stream().anyMatch(line -> line.startsWith("\tat ")), exit.err());
        assertFalse(exit.err().contains("Exception"), exit.err());
    }

    /**
     * Main.run with its output captured. Should the exporter wrongly start (a flag that ought to be
     * refused, a port that ought to be taken), run() would serve forever: fail instead of hanging.
     */
    private static Exit run(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), NO_JVM_SIGNALS);
            return new Exit(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }, () -> "dtr-exporter did not exit for " + String.join(" ", args));
    }

    private Path writeConfig(String yaml) {
        try {
            return Files.writeString(Files.createTempFile(folder, "exporter", ".yml"), yaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
