package io.dtrexporter.probe;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Strict readers of what the exposition writers produce, written from the format specifications
 * rather than from client_java: valid UTF-8, names and label names of the allowed characters, label
 * values with only the escapes the formats define, sample values a number, +Inf, -Inf or NaN, and no
 * series given twice. Each returns the number of samples and throws AssertionError naming the flaw.
 */
final class ExpositionCheck {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]Inf|NaN");
    private static final Pattern TYPE = Pattern.compile("# TYPE " + METRIC_NAME + " (counter|gauge|summary|histogram|"
            + "gaugehistogram|stateset|info|unknown|untyped)");

    private ExpositionCheck() {
    }

    /** Prometheus text format 0.0.4, or OpenMetrics 1.0 text (which must end in {@code # EOF}). */
    static int text(byte[] bytes, boolean openMetrics) {
        String text = utf8(bytes, "text exposition");
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition does not end with a newline");
        }
        String[] lines = text.split("\n", -1);
        Set<Series> series = new HashSet<>();
        int samples = 0;
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (openMetrics && line.equals("# EOF")) {
                if (i != lines.length - 2) {
                    throw new AssertionError("# EOF is not the last line");
                }
                return samples;
            }
            if (line.startsWith("# TYPE ")) {
                require(TYPE.matcher(line).matches(), line, "not a valid TYPE line");
            } else if (line.startsWith("# HELP ") || line.startsWith("# UNIT ")) {
                require(METRIC_NAME.matcher(line.split(" ", 4)[2]).matches(), line, "not a valid metric name");
            } else {
                require(!line.isEmpty() && !line.startsWith("#"), line, "neither a sample nor a known comment");
                require(series.add(sample(line)), line, "series given twice");
                samples++;
            }
        }
        if (openMetrics) {
            throw new AssertionError("OpenMetrics exposition without # EOF");
        }
        return samples;
    }

    /** A series: a metric name and its labels, values unescaped. */
    private record Series(String name, Map<String, String> labels) {
    }

    /** Reads one sample line into its series. */
    private static Series sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(isName(name, true), line, "not a valid metric name");
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                require(eq > 0, line, "label without =\"");
                String label = line.substring(i, eq);
                require(isName(label, false), line, "not a valid label name: " + label);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (;; j++) {
                    require(j < line.length(), line, "label value not closed");
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(++j < line.length(), line, "escape at the end of the line");
                        char escaped = line.charAt(j);
                        switch (escaped) {
                            case '\\', '"' -> value.append(escaped);
                            case 'n' -> value.append('\n');
                            default -> throw new AssertionError("undefined escape \\" + escaped + " in: " + line);
                        }
                    } else {
                        value.append(c);
                    }
                }
                require(labels.put(label, value.toString()) == null, line, "label " + label + " given twice");
                i = j + 1;
                require(i < line.length(), line, "labels not closed");
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', line, "neither , nor } after a label value");
                }
            }
            i++;
        }
        require(i < line.length() && line.charAt(i) == ' ', line, "no space before the value");
        String value = line.substring(i + 1);
        require(isValue(value), line, "not a sample value: " + value);
        return new Series(name, labels);
    }

    /** [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, without the colons for label names; no regex: this runs per sample. */
    private static boolean isName(String name, boolean colons) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValue(String value) {
        if (value.equals("+Inf") || value.equals("-Inf") || value.equals("NaN")) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            if ("0123456789.eE+-".indexOf(value.charAt(i)) < 0) {
                return false;
            }
        }
        return VALUE.matcher(value).matches();
    }

    /** The Prometheus protobuf format: length-delimited io.prometheus.client.MetricFamily messages. */
    static int protobuf(byte[] bytes) {
        Reader in = new Reader(bytes, 0, bytes.length);
        Set<String> families = new HashSet<>();
        int samples = 0;
        while (in.more()) {
            Reader family = in.sub(in.varint());
            String name = null;
            List<Reader> metrics = new ArrayList<>();
            while (family.more()) {
                long tag = family.varint();
                switch ((int) (tag >>> 3)) {
                    case 1 -> name = utf8(family.bytes(), "family name");
                    case 4 -> metrics.add(family.sub(family.varint()));
                    default -> family.skip((int) (tag & 7));
                }
            }
            require(name != null && isName(name, true), String.valueOf(name), "bad family name");
            require(families.add(name), name, "family given twice");
            Set<Map<String, String>> series = new HashSet<>();
            for (Reader metric : metrics) {
                Map<String, String> labels = new TreeMap<>();
                while (metric.more()) {
                    long tag = metric.varint();
                    if (tag >>> 3 == 1) {
                        Reader pair = metric.sub(metric.varint());
                        String labelName = null;
                        String labelValue = "";
                        while (pair.more()) {
                            long pairTag = pair.varint();
                            switch ((int) (pairTag >>> 3)) {
                                case 1 -> labelName = utf8(pair.bytes(), "label name");
                                case 2 -> labelValue = utf8(pair.bytes(), "label value");
                                default -> pair.skip((int) (pairTag & 7));
                            }
                        }
                        require(labelName != null && isName(labelName, false), name, "bad label name");
                        require(labels.put(labelName, labelValue) == null, name, "label given twice");
                    } else {
                        metric.skip((int) (tag & 7));
                    }
                }
                require(series.add(labels), name + labels, "series given twice (protobuf)");
                samples++;
            }
        }
        return samples;
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError(what + " is not valid UTF-8", e);
        }
    }

    private static void require(boolean condition, String where, String flaw) {
        if (!condition) {
            throw new AssertionError(flaw + " in: " + where);
        }
    }

    /** Protobuf wire format, just enough to walk messages. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;
        private final int end;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.at = from;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                require(at < end, "protobuf", "truncated varint");
                byte b = bytes[at++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new AssertionError("varint too long in protobuf");
        }

        Reader sub(long length) {
            require(length >= 0 && at + length <= end, "protobuf", "message longer than its container");
            Reader sub = new Reader(bytes, at, (int) (at + length));
            at += (int) length;
            return sub;
        }

        byte[] bytes() {
            Reader sub = sub(varint());
            byte[] copy = new byte[sub.end - sub.at];
            System.arraycopy(bytes, sub.at, copy, 0, copy.length);
            return copy;
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> sub(8);
                case 2 -> sub(varint());
                case 5 -> sub(4);
                default -> throw new AssertionError("unknown protobuf wire type " + wireType);
            }
        }
    }
}
