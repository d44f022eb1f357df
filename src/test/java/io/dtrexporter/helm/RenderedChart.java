package io.dtrexporter.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The chart rendered as {@code helm template} would, with helm-java's embedded helm engine, and
 * parsed into one tree per Kubernetes object.
 */
record RenderedChart(List<JsonNode> objects) {
    static final Path CHART = Path.of("helm", "dtr-exporter");
    static final String RELEASE = "dtr";
    static final String NAMESPACE = "monitoring";
    static final ObjectMapper YAML = new YAMLMapper();

    RenderedChart {
        objects = List.copyOf(objects);
    }

    /** Renders with the chart's defaults overridden by the values files, later files winning. */
    static RenderedChart render(Path... valuesFiles) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Path file : valuesFiles) {
            template = template.withValuesFile(file);
        }
        return parse(template.call());
    }

    static RenderedChart parse(String manifests) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (documents.hasNext()) {
                JsonNode object = documents.next();
                if (object != null && !object.isNull() && !object.isMissingNode() && object.size() > 0) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RenderedChart(objects);
    }

    List<JsonNode> all(String kind) {
        return objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
    }

    /** The only object of that kind; fails when there is none or several. */
    JsonNode one(String kind) {
        List<JsonNode> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size() + " in " + kinds());
        }
        return found.get(0);
    }

    JsonNode podSpec() {
        return one("Deployment").path("spec").path("template").path("spec");
    }

    JsonNode container() {
        return podSpec().path("containers").get(0);
    }

    String exporterYml() {
        return one("ConfigMap").path("data").path("exporter.yml").asText();
    }

    List<String> kinds() {
        return objects.stream().map(object -> object.path("kind").asText()).toList();
    }
}
