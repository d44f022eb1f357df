package io.dtrexporter.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A small reader of the Prometheus text format, written apart from client_java so that tests check
 * what a scraper would see. Samples are keyed as {@code name{a="1",b="2"}} with labels sorted.
 */
public final class Exposition {
    private final Map<String, Double> samples;
    private final Map<String, Sample> parsed;
    private final Map<String, String> types;

    private Exposition(Map<String, Sample> parsed, Map<String, String> types) {
        this.samples = new LinkedHashMap<>();
        parsed.forEach((key, sample) -> samples.put(key, sample.value()));
        this.parsed = parsed;
        this.types = types;
    }

    public static Exposition parse(String text) {
        Map<String, Sample> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Sample sample = sample(line);
            if (samples.put(sample.key(), sample) != null) {
                throw new AssertionError("sample given twice: " + line);
            }
        }
        return new Exposition(samples, types);
    }

    /** The value of {@code name} with exactly these labels (name/value pairs). */
    public Optional<Double> value(String name, String... labels) {
        return Optional.ofNullable(samples.get(key(name, labels)));
    }

    public double get(String name, String... labels) {
        return value(name, labels).orElseThrow(() -> new AssertionError(
                "no sample " + key(name, labels) + " among " + samples.size() + " samples"));
    }

    /** Every sample of a metric, keyed by its labels as a map. */
    public Map<Map<String, String>, Double> series(String name) {
        Map<Map<String, String>, Double> series = new LinkedHashMap<>();
        parsed.values().forEach(sample -> {
            if (sample.name().equals(name)) {
                series.put(sample.labels(), sample.value());
            }
        });
        return series;
    }

    public boolean has(String name) {
        return samples.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
    }

    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        samples.keySet().forEach(k -> {
            String name = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
            if (!names.contains(name)) {
                names.add(name);
            }
        });
        return names;
    }

    public int size() {
        return samples.size();
    }

    public static String key(String name, String... labels) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        return key(name, sorted);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        // escaped as in the exposition, so that values holding quotes or commas cannot run together
        labels.forEach((k, v) -> key.append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    private record Sample(String name, Map<String, String> labels, double value) {
        String key() {
            return Exposition.key(name, labels);
        }
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new TreeMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // skip ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
        } else {
            name = line.substring(0, space);
        }
        return new Sample(name, labels, number(line.substring(space + 1)));
    }

    /** A sample value as the text formats write it: Java's parser does not know "+Inf" and "-Inf". */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
