package io.dtrexporter.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Makes one malformed DTR body from a good one, driven by one seeded {@link Random}: the same seed,
 * base and kind give the same bytes. Tree mutations work on Jackson's tree; what a tree cannot hold
 * (bare NaN, 1e400, duplicate keys, lone surrogates, unclosed nesting) goes in as a raw-text marker
 * that is swapped for the raw text after serialising. Every step is written to {@link #log()}.
 */
final class BodyMutator {
    /** What a body can have done to it; MIXED applies several of the others. */
    enum Kind {
        TRUNCATE, WRONG_TYPE, NULLS, HUGE_NUMBER, NAN_STRING, DEEP_NESTING, UNKNOWN_KEYS, DUPLICATE_KEYS,
        EMPTY_KEYS_AND_LABELS, UNICODE_LABELS, BYTES, BOM, MIXED
    }

    /** Reads a base body as the tree {@link #mutate} wants. */
    static JsonNode tree(byte[] original) {
        try {
            return JSON.readTree(original);
        } catch (IOException e) {
            throw new UncheckedIOException("a base body must be JSON", e);
        }
    }

    /** Jackson's default StreamReadConstraints.maxNestingDepth: deeper documents must fail to parse. */
    static final int JACKSON_MAX_NESTING_DEPTH = 1000;

    private static final JsonMapper JSON = new JsonMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Fields whose values become label values (replica from server, db, table, action, status). */
    private static final Set<String> REPLICA_MAPS = Set.of("replica_health", "replica_timestamp", "replica_readonly");
    private static final Set<String> LABEL_FIELDS = Set.of("server", "db", "table", "name", "action", "status");
    private static final List<String> HUGE_NUMBERS = List.of("1e308", "1.7976931348623157e308", "1e400", "-1e400",
            "18446744073709551616", "-18446744073709551617", "9223372036854775808", "-0", "-0.0", "0e0", "1e-400",
            "4.9e-324", "-1", "-5e10", "123456789012345678901234567890.5", "1E+2", "-1e308");
    private static final List<String> NAN_TOKENS = List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
            "\"+Infinity\"", "\"INF\"", "\"-INF\"", "\"nan\"", "\"1e400\"", "\"-1e400\"", "\"0x10\"", "\" 12 \"",
            "\"\"", "\"-0\"", "\"1,5\"", "NaN", "Infinity", "-Infinity", "+Infinity", "nan", "-NaN");
    /** Label value pieces: escaped JSON text, so lone surrogates and control characters can be spelt. */
    private static final List<String> UNICODE_PIECES = List.of("ä", "日本語", "\\ud83d\\udc33", "e\\u0301",
            "\\u202e", "\\u200d", "\\u0000", "\\u0001", "\\t", "\\n", "\\r", "\\u007f", "\\u0085", "\\u2028",
            "\\u2029", "\\\"", "\\\\", "\\\\n", "\\\"}", "\\\",replica=\\\"x", "{", "}", "=", " ", ",", "#",
            "\\ud800", "\\udc00", "a\\ud83d", "\\udc33\\ud83d", "\\uffff", "\\ufffe", "\\ufeff", "\\u00a0", "dtr_rethinkdb_",
            "\u00ff", "\\u0080", "\\u00ad");
    /** The same, unescaped inside the JSON string: invalid JSON that must fail, never slip through. */
    private static final List<String> RAW_CONTROL = List.of("\u0000", "\u0001", "\n", "\r", "\t", "\u001f");
    private static final int[] NESTING_DEPTHS = {10, 100, 500, 999, 1000, 1001, 1500, 5000, 50_000, 200_000};
    private static final byte[] INTERESTING_BYTES = {'{', '}', '[', ']', '"', ',', ':', '\\', '-', '.', 'e', '0',
        0x00, (byte) 0xff, (byte) 0xc3, (byte) 0x80, (byte) 0xed, (byte) 0xa0, (byte) 0xef, (byte) 0xbb, (byte) 0xbf,
        ' ', '\n', 'n', 't', 'N'};

    private final Random random;
    private final StringBuilder log = new StringBuilder();
    private final Map<String, String> raws = new LinkedHashMap<>();
    /** A verdict known from the mutation alone: true must parse, false must fail, null either way. */
    private Boolean mustParse = Boolean.TRUE;

    private BodyMutator(Random random) {
        this.random = random;
    }

    record Mutant(byte[] body, String log, Boolean mustParse) {
    }

    /**
     * Applies {@code kind} to {@code original} (a body that parses, and {@code tree} that body read as a
     * tree, which is left as it is) with the randomness of {@code seed}.
     */
    static Mutant mutate(byte[] original, JsonNode tree, Kind kind, long seed) {
        BodyMutator mutator = new BodyMutator(new Random(seed));
        byte[] body = mutator.apply(original, tree, kind);
        return new Mutant(body, mutator.log.toString().strip(), mutator.mustParse);
    }

    private byte[] apply(byte[] original, JsonNode tree, Kind kind) {
        if (kind != Kind.MIXED) {
            return isByteLevel(kind) ? bytes(original, kind) : serialize(tree(tree, List.of(kind)));
        }
        Kind[] single = Arrays.copyOf(Kind.values(), Kind.values().length - 1);
        List<Kind> treeKinds = new ArrayList<>();
        List<Kind> byteKinds = new ArrayList<>();
        for (int i = 2 + random.nextInt(3); i > 0; i--) {
            Kind k = single[random.nextInt(single.length)];
            (isByteLevel(k) ? byteKinds : treeKinds).add(k);
        }
        byte[] body = treeKinds.isEmpty() ? original : serialize(tree(tree, treeKinds));
        for (Kind k : byteKinds) {
            body = bytes(body, k);
        }
        return body;
    }

    private static boolean isByteLevel(Kind kind) {
        return kind == Kind.TRUNCATE || kind == Kind.BYTES || kind == Kind.BOM;
    }

    /** Mutates the parsed body; the body sits in a one-element array so that even it can be replaced. */
    private JsonNode tree(JsonNode original, List<Kind> kinds) {
        ArrayNode root = NODES.arrayNode().add(original.deepCopy());
        for (Kind kind : kinds) {
            switch (kind) {
                case WRONG_TYPE -> repeat(1, 3, () -> wrongType(root));
                case NULLS -> repeat(1, 4, () -> nulls(root));
                case HUGE_NUMBER -> repeat(1, 3, () -> replaceNumber(root, pick(HUGE_NUMBERS), "huge number"));
                case NAN_STRING -> repeat(1, 3, () -> replaceNumber(root, pick(NAN_TOKENS), "non-number"));
                case DEEP_NESTING -> deepNesting(root);
                case UNKNOWN_KEYS -> repeat(1, 6, () -> unknownKey(root));
                case DUPLICATE_KEYS -> repeat(1, 4, () -> duplicateKey(root));
                case EMPTY_KEYS_AND_LABELS -> repeat(1, 4, () -> emptyKeyOrLabel(root));
                case UNICODE_LABELS -> repeat(1, 5, () -> unicodeLabel(root));
                default -> throw new IllegalArgumentException(kind + " is not a tree mutation");
            }
        }
        return root.get(0);
    }

    // ---- tree mutations ----

    private void wrongType(JsonNode root) {
        Slot slot = pickSlot(root, s -> true);
        JsonNode old = slot.get();
        JsonNode replacement = switch (old.getNodeType()) {
            case NUMBER -> random.nextBoolean() ? NODES.textNode(old.asText()) : NODES.textNode("abc");
            case ARRAY -> random.nextBoolean() ? NODES.objectNode() : NODES.objectNode().put("0", 1);
            case OBJECT -> random.nextBoolean() ? NODES.arrayNode() : NODES.arrayNode().add(1).add("x");
            case STRING -> switch (random.nextInt(4)) {
                case 0 -> NODES.numberNode(42);
                case 1 -> NODES.objectNode().put("value", old.asText());
                case 2 -> NODES.arrayNode().add(old.asText());
                default -> NODES.booleanNode(true);
            };
            case BOOLEAN -> random.nextBoolean() ? NODES.textNode(old.asText()) : NODES.numberNode(1);
            default -> random.nextBoolean() ? NODES.numberNode(0) : NODES.textNode("null");
        };
        slot.set(replacement);
        note("wrong type at %s: %s -> %s", slot.path(), old.getNodeType(), replacement);
        mustParse = null;
    }

    private void nulls(JsonNode root) {
        if (random.nextInt(3) == 0) {
            Slot array = pickSlot(root, s -> s.get().isArray());
            if (array != null) {
                ArrayNode node = (ArrayNode) array.get();
                int at = random.nextInt(node.size() + 1);
                node.insertNull(at);
                note("null inserted into %s at %d", array.path(), at);
                mustParse = null;
                return;
            }
        }
        Slot slot = pickSlot(root, s -> true);
        slot.set(NODES.nullNode());
        note("null at %s", slot.path());
        mustParse = null;
    }

    private void replaceNumber(JsonNode root, String raw, String what) {
        Slot slot = pickSlot(root, s -> s.get().isNumber());
        if (slot == null) {
            slot = pickSlot(root, s -> true);
        }
        slot.set(raw(raw));
        note("%s at %s: %s", what, slot.path(), abbreviate(raw));
        mustParse = null;
    }

    private void deepNesting(JsonNode root) {
        int depth = NESTING_DEPTHS[random.nextInt(NESTING_DEPTHS.length)];
        boolean unclosed = random.nextInt(5) == 0;
        int shape = random.nextInt(3);
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            boolean array = shape == 0 || (shape == 2 && i % 2 == 0);
            open.append(array ? "[" : "{\"a\":");
            close.append(array ? "]" : "}");
        }
        String raw = open + "1" + (unclosed ? "" : close.reverse().toString());
        Slot slot = random.nextBoolean() ? pickSlot(root, s -> s.get().isObject()) : null;
        boolean asUnknownKey = slot != null;
        if (asUnknownKey) {
            ((ObjectNode) slot.get()).set("x_fuzz_deep", raw(raw));
        } else {
            slot = pickSlot(root, s -> true);
            slot.set(raw(raw));
        }
        note("nesting of depth %d (%s)%s %s %s", depth, shape == 0 ? "arrays" : shape == 1 ? "objects" : "mixed",
                unclosed ? " unclosed" : "", asUnknownKey ? "as unknown key in" : "at", slot.path());
        // as a field of the object at slot.depth, the innermost array or object is at slot.depth + depth
        if (unclosed || depth > JACKSON_MAX_NESTING_DEPTH
                || (asUnknownKey && slot.depth + depth > JACKSON_MAX_NESTING_DEPTH)) {
            mustParse = false;
        } else if (!asUnknownKey) {
            mustParse = null;
        }
    }

    private void unknownKey(JsonNode root) {
        Slot slot = pickSlot(root, s -> s.get().isObject() && !isMapOfReplicas(s));
        if (slot == null) {
            return;
        }
        String name = switch (random.nextInt(5)) {
            case 0 -> "etcd_status";
            case 1 -> "x_fuzz_" + random.nextInt(1000);
            case 2 -> "xFuzz" + random.nextInt(1000);
            case 3 -> "x-fuzz-\u00e4\u65e5" + random.nextInt(1000);
            default -> "x_fuzz_ünïcode_\uD83D\uDC33";
        };
        JsonNode value = randomValue(0);
        ((ObjectNode) slot.get()).set(name, value);
        note("unknown key \"%s\" in %s = %s", name, slot.path(), abbreviate(value.toString()));
        // unknown keys are ignored everywhere: the verdict stays what it was
    }

    /** replica_health and friends are maps: any key there is a replica, not an unknown field. */
    private static boolean isMapOfReplicas(Slot slot) {
        return slot.depth == 2 && slot.field != null && REPLICA_MAPS.contains(slot.field);
    }

    private void duplicateKey(JsonNode root) {
        Slot slot = pickSlot(root, s -> s.get().isObject() && !s.get().isEmpty());
        if (slot == null) {
            return;
        }
        ObjectNode object = (ObjectNode) slot.get();
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = pick(names);
        JsonNode value = random.nextBoolean() ? object.get(name).deepCopy() : randomValue(0);
        String marker = marker(jsonString(name));
        object.set(marker.substring(1, marker.length() - 1), value);
        note("duplicate key \"%s\" in %s = %s", name, slot.path(), abbreviate(value.toString()));
        mustParse = null;
    }

    private void emptyKeyOrLabel(JsonNode root) {
        if (random.nextBoolean()) {
            Slot slot = pickSlot(root, s -> s.get().isTextual() && s.field != null && LABEL_FIELDS.contains(s.field));
            if (slot != null) {
                slot.set(NODES.textNode(""));
                note("empty label field %s", slot.path());
                overwritten();
                return;
            }
        }
        Slot slot = pickSlot(root, s -> s.get().isObject());
        if (slot == null) {
            return;
        }
        ObjectNode object = (ObjectNode) slot.get();
        if (isMapOfReplicas(slot) && !object.isEmpty() && random.nextBoolean()) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = pick(names);
            object.set("", object.remove(name));
            note("replica key \"%s\" of %s renamed to \"\"", name, slot.path());
        } else if (isMapOfReplicas(slot)) {
            object.set("", slot.field.equals("replica_readonly") ? NODES.booleanNode(false) : NODES.textNode("OK"));
            note("empty replica key added to %s", slot.path());
        } else {
            object.set("", randomValue(0));
            note("empty key added to %s", slot.path()); // an unknown key: the verdict stays
        }
    }

    /**
     * A valid value was put where another was: a body that parsed still parses, one that failed may
     * have lost what made it fail.
     */
    private void overwritten() {
        if (mustParse == Boolean.FALSE) {
            mustParse = null;
        }
    }

    private void unicodeLabel(JsonNode root) {
        if (random.nextInt(5) == 0 && twinRows(root)) {
            return;
        }
        Slot slot = pickSlot(root, s -> s.get().isTextual() && s.field != null && LABEL_FIELDS.contains(s.field));
        if (slot == null) {
            slot = pickSlot(root, s -> s.get().isTextual());
        }
        if (slot == null) {
            return;
        }
        StringBuilder value = new StringBuilder();
        boolean rawControl = random.nextInt(12) == 0;
        if (random.nextInt(80) == 0) {
            value.append("x".repeat(70_000)); // rare: a long label is as costly to check as it is to write
        }
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            String old = slot.get().asText();
            if (random.nextBoolean() && !old.startsWith("@@fuzz-raw-")) {
                value.append(old.replace("\\", "\\\\").replace("\"", "\\\""));
            }
            value.append(pick(UNICODE_PIECES));
        }
        if (rawControl) {
            value.insert(random.nextInt(value.length() + 1), pick(RAW_CONTROL));
            mustParse = false;
        } else {
            overwritten();
        }
        slot.set(raw("\"" + value + "\""));
        note("label field %s = \"%s\"", slot.path(), abbreviate(value.toString()));
    }

    /**
     * Copies a row and makes one label field of the two differ only in a lone surrogate: distinct
     * strings that the writers, encoding each lone surrogate as "?", would spell the same.
     */
    private boolean twinRows(JsonNode root) {
        Slot slot = pickSlot(root, s -> s.index >= 0 && s.get().isObject() && labelField(s.get()) != null);
        if (slot == null) {
            return false;
        }
        ObjectNode row = (ObjectNode) slot.get();
        ObjectNode twin = row.deepCopy();
        String field = labelField(row);
        String value = row.get(field).asText().replace("\\", "\\\\").replace("\"", "\\\"");
        row.set(field, raw("\"" + value + "\\ud800\""));
        twin.set(field, raw("\"" + value + "\\udc00\""));
        ((ArrayNode) slot.parent).insert(slot.index + 1, twin);
        note("%s copied, their %s made \"%s\" + U+D800 and + U+DC00", slot.path(), field, abbreviate(value));
        overwritten();
        return true;
    }

    /** The first label field of a row that holds a plain string. */
    private static String labelField(JsonNode row) {
        for (String field : List.of("server", "action", "status", "table", "name", "db")) {
            if (row.path(field).isTextual() && !row.path(field).asText().startsWith("@@fuzz-raw-")) {
                return field;
            }
        }
        return null;
    }

    // ---- byte mutations ----

    private byte[] bytes(byte[] body, Kind kind) {
        return switch (kind) {
            case TRUNCATE -> truncate(body);
            case BYTES -> flipInsertDelete(body);
            case BOM -> bom(body);
            default -> throw new IllegalArgumentException(kind + " is not a byte mutation");
        };
    }

    private byte[] truncate(byte[] body) {
        if (body.length == 0) {
            return body;
        }
        int cut = random.nextInt(4) == 0 ? Math.max(0, body.length - 1 - random.nextInt(Math.min(body.length, 40)))
                : random.nextInt(body.length);
        note("truncated at byte %d of %d", cut, body.length);
        if (!new String(body, cut, body.length - cut, StandardCharsets.ISO_8859_1).isBlank()) {
            // an object without its closing brace is no object; a broken body cut short may have lost its flaw
            mustParse = mustParse == Boolean.TRUE ? Boolean.FALSE : null;
        }
        return Arrays.copyOf(body, cut);
    }

    private byte[] flipInsertDelete(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        out.writeBytes(body);
        byte[] bytes = out.toByteArray();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            int at = random.nextInt(bytes.length + 1);
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (at < bytes.length) {
                        int bit = 1 << random.nextInt(8);
                        bytes[at] ^= (byte) bit;
                        note("byte %d xor 0x%02x", at, bit);
                    }
                }
                case 1 -> {
                    byte b = random.nextBoolean() ? INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)]
                            : (byte) random.nextInt(256);
                    bytes = insert(bytes, at, new byte[] {b});
                    note("byte 0x%02x inserted at %d", b & 0xff, at);
                }
                default -> {
                    int length = Math.min(bytes.length - Math.min(at, bytes.length), 1 + random.nextInt(4));
                    if (length > 0) {
                        byte[] shorter = new byte[bytes.length - length];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + length, shorter, at, bytes.length - at - length);
                        bytes = shorter;
                        note("%d bytes deleted at %d", length, at);
                    }
                }
            }
        }
        mustParse = null;
        return bytes;
    }

    private byte[] bom(byte[] body) {
        byte[] utf8Bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        String text = new String(body, StandardCharsets.UTF_8);
        mustParse = null;
        return switch (random.nextInt(9)) {
            case 0 -> {
                note("UTF-8 BOM in front");
                yield insert(body, 0, utf8Bom);
            }
            case 1 -> {
                note("two UTF-8 BOMs in front");
                yield insert(insert(body, 0, utf8Bom), 0, utf8Bom);
            }
            case 2 -> {
                int at = random.nextInt(body.length + 1);
                note("UTF-8 BOM bytes inserted at %d", at);
                yield insert(body, at, utf8Bom);
            }
            case 3 -> {
                note("re-encoded as UTF-16BE with BOM");
                yield encoded(text, "\uFEFF", StandardCharsets.UTF_16BE);
            }
            case 4 -> {
                note("re-encoded as UTF-16LE with BOM");
                yield encoded(text, "\uFEFF", StandardCharsets.UTF_16LE);
            }
            case 5 -> {
                note("re-encoded as UTF-16LE without BOM");
                yield encoded(text, "", StandardCharsets.UTF_16LE);
            }
            case 6 -> {
                note("re-encoded as UTF-32BE with BOM");
                yield encoded(text, "\uFEFF", Charset.forName("UTF-32BE"));
            }
            case 7 -> {
                note("UTF-16LE BOM in front of UTF-8 bytes");
                yield insert(body, 0, new byte[] {(byte) 0xff, (byte) 0xfe});
            }
            default -> {
                note("UTF-32BE BOM in front of UTF-8 bytes");
                yield insert(body, 0, new byte[] {0, 0, (byte) 0xfe, (byte) 0xff});
            }
        };
    }

    private static byte[] encoded(String text, String bom, Charset charset) {
        return (bom + text).getBytes(charset);
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] longer = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
        return longer;
    }

    // ---- helpers ----

    private JsonNode randomValue(int depth) {
        int choice = depth > 3 ? random.nextInt(5) : random.nextInt(8);
        return switch (choice) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextGaussian() * 1e6);
            case 2 -> NODES.textNode("v" + random.nextInt(100));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.numberNode(random.nextLong());
            case 5 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set("k" + random.nextInt(10), randomValue(depth + 1));
                }
                yield object;
            }
        };
    }

    /** A text node that serialises as {@code "marker"}; the marker is swapped for {@code raw} afterwards. */
    private JsonNode raw(String raw) {
        String marker = marker(raw);
        return NODES.textNode(marker.substring(1, marker.length() - 1));
    }

    private String marker(String raw) {
        String marker = "\"@@fuzz-raw-" + raws.size() + "@@\"";
        raws.put(marker, raw);
        return marker;
    }

    private byte[] serialize(JsonNode root) {
        String text;
        try {
            text = JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        // later markers may sit inside earlier raw text only if nested; replace newest first
        List<String> markers = new ArrayList<>(raws.keySet());
        for (int i = markers.size() - 1; i >= 0; i--) {
            text = text.replace(markers.get(i), raws.get(markers.get(i)));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonString(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void repeat(int min, int max, Runnable mutation) {
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            mutation.run();
        }
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private void note(String format, Object... args) {
        log.append(String.format(format, args)).append("; ");
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 60) + "...(" + text.length() + " chars)";
    }

    /**
     * A place in the tree: the value under {@code field} or {@code index} of {@code parent}, at
     * {@code depth} (the body itself is at depth 1, as Jackson counts nesting). Its path is spelt out
     * only when asked for: most slots are collected and never picked.
     */
    private record Slot(Slot up, JsonNode parent, String field, int index, int depth) {
        String path() {
            if (up == null) {
                return "$";
            }
            return up.path() + (field != null ? "." + field : "[" + index + "]");
        }

        JsonNode get() {
            return parent == null ? null : field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode value) {
            if (field != null) {
                ((ObjectNode) parent).set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    /** A random slot of the body that passes {@code filter}, null when there is none. */
    private Slot pickSlot(JsonNode document, Predicate<Slot> filter) {
        List<Slot> slots = new ArrayList<>();
        Slot body = new Slot(null, document, null, 0, 1);
        if (filter.test(body)) {
            slots.add(body);
        }
        collect(body, document.get(0), slots, filter);
        return slots.isEmpty() ? null : slots.get(random.nextInt(slots.size()));
    }

    private static void collect(Slot at, JsonNode node, List<Slot> slots, Predicate<Slot> filter) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                Slot slot = new Slot(at, node, name, -1, at.depth + 1);
                if (filter.test(slot)) {
                    slots.add(slot);
                }
                collect(slot, node.get(name), slots, filter);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Slot slot = new Slot(at, node, null, i, at.depth + 1);
                if (filter.test(slot)) {
                    slots.add(slot);
                }
                collect(slot, node.get(i), slots, filter);
            }
        }
    }
}
