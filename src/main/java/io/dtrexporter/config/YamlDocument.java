package io.dtrexporter.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;

/**
 * Reads a YAML file into a tree. Problems are {@link ConfigException}s without the file name (the
 * caller adds it) and never quote the file's content, which may hold a password.
 */
final class YamlDocument {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern QUOTED = Pattern.compile("\\s*'[^']*'");

    private YamlDocument() {
    }

    /** The document's root; an empty file is an empty mapping. */
    static JsonNode read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read it: " + IoMessages.describe(e));
        }
        refuseAliases(text);
        try {
            JsonNode tree = YAML.readTree(text);
            return tree == null || tree.isMissingNode() ? YAML.createObjectNode() : tree;
        } catch (JsonProcessingException e) {
            throw yamlError(e);
        }
    }

    /**
     * Jackson reads an alias ({@code *name}) as the plain text "name", so an unquoted password starting
     * with * would be sent without it. Aliases have no use in these files: refuse them, saying where.
     */
    private static void refuseAliases(String text) {
        if (text.indexOf('*') < 0) {
            return;
        }
        try {
            for (Event event : new Yaml().parse(new StringReader(text))) {
                if (event instanceof AliasEvent alias) {
                    throw new ConfigException("line " + (alias.getStartMark().getLine() + 1) + ": a value starting"
                            + " with * is a YAML alias; quote it (e.g. password: \"*...\")");
                }
            }
        } catch (YAMLException e) {
            // a syntax error: Jackson reports it below, with its own words
        }
    }

    private static ConfigException yamlError(JsonProcessingException e) {
        if (e.getOriginalMessage().startsWith("Duplicate field")
                && e.getProcessor() instanceof JsonParser parser) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            return new ConfigException(pathOf(parser.getParsingContext()), "duplicate key" + line);
        }
        return new ConfigException("not valid YAML: " + yamlProblem(e) + locationOf(e));
    }

    private static String yamlProblem(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                // the context is a fixed phrase ("while scanning a quoted scalar"), never file content
                return marked.getProblem() + (marked.getContext() == null ? "" : " " + marked.getContext());
            }
        }
        String problem = e.getOriginalMessage().lines().findFirst().orElse("");
        problem = QUOTED.matcher(problem).replaceAll("").strip(); // "Malformed numeric value 'hunter2'"
        return problem.isEmpty() ? "syntax error" : problem;
    }

    /** The YAML path of the key being read, e.g. modules.prod.timeout. */
    private static String pathOf(JsonStreamContext context) {
        Deque<String> keys = new ArrayDeque<>();
        for (JsonStreamContext level = context; level != null; level = level.getParent()) {
            if (level.inObject() && level.getCurrentName() != null) {
                keys.addFirst(level.getCurrentName());
            }
        }
        return String.join(".", keys);
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
