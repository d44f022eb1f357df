package io.dtrexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A YAML value together with its path, so that every complaint about it names where it is. */
record YamlNode(JsonNode node, String path) {

    static YamlNode root(JsonNode node) {
        return new YamlNode(node, "");
    }

    boolean isAbsent() {
        return node.isMissingNode() || node.isNull();
    }

    /** The entries of a mapping whose keys are free (module names), in file order. */
    Map<String, YamlNode> entries() {
        requireMapping();
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> entries.put(e.getKey(), new YamlNode(e.getValue(), childPath(e.getKey()))));
        return entries;
    }

    /** A mapping whose keys must all be among {@code known}. */
    YamlNode mappingOf(Set<String> known) {
        requireMapping();
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException(childPath(unknown.get(0)),
                    "unknown key (known keys here: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
        return this;
    }

    YamlNode get(String key) {
        JsonNode child = node.isObject() ? node.get(key) : null;
        return new YamlNode(child == null ? MissingNode.getInstance() : child, childPath(key));
    }

    Optional<String> string() {
        if (isAbsent()) {
            return Optional.empty();
        }
        if (node.isNumber() || node.isBoolean()) {
            // YAML has already rewritten the value (0123 -> 83, yes -> true); a password would silently
            // change, so ask for quotes instead of guessing. The value is not shown: it may be a secret.
            throw problem("must be a string, not " + kind() + "; put the value in quotes");
        }
        if (!node.isTextual()) {
            throw problem("must be a string, not " + kind());
        }
        return Optional.of(node.textValue());
    }

    /** An optional file path: absent is fine, an empty one would name the config's own folder. */
    Optional<String> filePath() {
        Optional<String> value = string();
        if (value.isPresent() && value.get().isEmpty()) {
            throw problem("must not be empty");
        }
        return value;
    }

    String requiredString() {
        String value = string().orElseThrow(() -> problem("is required"));
        if (value.isEmpty()) {
            throw problem("must not be empty");
        }
        return value;
    }

    /** A list of strings (a lone string counts as a list of one). */
    List<String> stringList() {
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw problem("must be a list of strings, not " + kind());
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.textValue().isEmpty()) {
                throw new ConfigException(path + "[" + i + "]", "must be a non-empty string");
            }
            values.add(item.textValue());
        }
        return values;
    }

    boolean bool(boolean fallback) {
        if (isAbsent()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw problem(shown() + " is not a boolean (true or false)");
        }
        return node.booleanValue();
    }

    int integer(int fallback, int min, int max) {
        if (isAbsent()) {
            return fallback;
        }
        if (!node.isIntegralNumber()) {
            throw problem(shown() + " is not a whole number");
        }
        if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw problem(shown() + " is out of range (" + min + " to " + max + ")");
        }
        return node.intValue();
    }

    Duration positiveDuration(Duration fallback) {
        if (isAbsent()) {
            return fallback;
        }
        String text = node.isTextual() ? node.textValue() : "";
        // "-1s" is a duration, only not one a probe can wait for: say so rather than "not a duration"
        Optional<Duration> value = Durations.parse(text.startsWith("-") ? text.substring(1) : text);
        if (value.isEmpty()) {
            throw problem(shown() + " is not a duration (e.g. 500ms, 10s, 1m)");
        }
        if (text.startsWith("-") || value.get().isZero()) {
            throw problem(shown() + " must be greater than 0");
        }
        return value.get();
    }

    ConfigException problem(String what) {
        return new ConfigException(path, what);
    }

    private void requireMapping() {
        if (!node.isObject()) {
            throw problem("must be a mapping, not " + kind());
        }
    }

    private String shown() {
        return node.isTextual() ? "\"" + node.textValue() + "\"" : node.toString();
    }

    private String kind() {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            default -> "empty";
        };
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
