import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the exporter under load, streaming (recordings get large):
 * top frames by self CPU samples, CPU samples and allocated bytes by probe phase, allocated bytes
 * by class and by first non-JDK frame.
 *
 * <p>Run with the source launcher: {@code java bench/lib/JfrSummary.java recording.jfr}
 */
public final class JfrSummary {
    /** A sample belongs to the phase of its innermost frame that names one: TLS under Jackson's read is TLS. */
    private static final Map<String, List<String>> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put("parse (Jackson via ResponseParsers)", List.of("io.dtrexporter.dtr.ResponseParsers", "com.fasterxml.jackson"));
        PHASES.put("map (ProbeMetrics.of: Family, snapshots, Labels)", List.of("io.dtrexporter.probe.ProbeMetrics",
                "io.dtrexporter.probe.ClusterStatusMetrics", "io.dtrexporter.probe.JobMetrics", "io.dtrexporter.probe.Family"));
        PHASES.put("render (client_java writer)", List.of("io.prometheus.metrics.expositionformats"));
        PHASES.put("gzip", List.of("java.util.zip", "io.undertow.server.handlers.encoding", "io.undertow.conduits.Deflating"));
        PHASES.put("TLS (JSSE, crypto)", List.of("sun.security", "com.sun.crypto", "javax.crypto"));
        PHASES.put("HTTP client (HttpClient 5, pool)", List.of("org.apache.hc"));
        PHASES.put("HTTP server (Undertow, XNIO)", List.of("io.undertow", "org.xnio", "org.jboss"));
    }

    private static final String OTHER_OURS = "other exporter code (Prober, DtrClient, handlers)";

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Map<String, Long> selfFrames = new HashMap<>();
        Map<String, Long> cpuPhases = new HashMap<>();
        Map<String, Long> allocPhases = new HashMap<>();
        Map<String, Long> allocClasses = new HashMap<>();
        Map<String, Long> allocSites = new HashMap<>();
        long cpuSamples = 0;
        long allocBytes = 0;
        long allocEvents = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                RecordedStackTrace stack = event.getStackTrace();
                List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        cpuSamples++;
                        if (!frames.isEmpty()) {
                            selfFrames.merge(name(frames.get(0)), 1L, Long::sum);
                        }
                        cpuPhases.merge(phase(frames), 1L, Long::sum);
                    }
                    case "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB" -> {
                        long bytes = type.endsWith("NewTLAB") ? event.getLong("tlabSize") : event.getLong("allocationSize");
                        allocEvents++;
                        allocBytes += bytes;
                        allocPhases.merge(phase(frames), bytes, Long::sum);
                        allocClasses.merge(event.getClass("objectClass").getName(), bytes, Long::sum);
                        allocSites.merge(frames.stream().map(JfrSummary::name)
                                .filter(n -> !n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun."))
                                .findFirst().orElse(frames.isEmpty() ? "?" : name(frames.get(0))), bytes, Long::sum);
                    }
                    default -> { }
                }
            }
        }
        System.out.printf("CPU: %d execution samples (threads running Java code)%n", cpuSamples);
        print("top frames by self samples", selfFrames, cpuSamples, top);
        print("samples by probe phase (innermost phase on the stack)", cpuPhases, cpuSamples, 20);
        System.out.printf("Allocation: %d new-TLAB/outside-TLAB events, %.1f MB (volume by the stack that asked)%n",
                allocEvents, allocBytes / 1e6);
        print("bytes by probe phase", allocPhases, allocBytes, 20);
        print("bytes by class", allocClasses, allocBytes, 8);
        print("bytes by first non-JDK frame", allocSites, allocBytes, 10);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String phase(List<RecordedFrame> frames) {
        boolean ours = false;
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            for (Map.Entry<String, List<String>> phase : PHASES.entrySet()) {
                for (String prefix : phase.getValue()) {
                    if (name.startsWith(prefix)) {
                        return phase.getKey();
                    }
                }
            }
            ours |= name.startsWith("io.dtrexporter");
        }
        return ours ? OTHER_OURS : "other (JVM, JDK, idle loops)";
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println("  " + title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}
