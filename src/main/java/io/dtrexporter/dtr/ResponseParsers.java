package io.dtrexporter.dtr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.CronList;
import io.dtrexporter.dtr.model.DtrVersion;
import io.dtrexporter.dtr.model.JobList;
import io.dtrexporter.dtr.model.Ping;
import io.dtrexporter.dtr.model.ScannerStatus;
import io.dtrexporter.dtr.model.WorkerList;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Binds DTR bodies straight into the model records, in one streaming pass: no tree, no copy of the
 * body. cluster_status speaks snake_case (RethinkDB), jobs camelCase (Go).
 */
public final class ResponseParsers {
    private static final ObjectReader CLUSTER_STATUS = mapper(true).readerFor(ClusterStatus.class);
    private static final ObjectReader JOBS = mapper(false).readerFor(JobList.class);
    private static final ObjectReader PING = mapper(false).readerFor(Ping.class);
    private static final ObjectReader WORKERS = mapper(false).readerFor(WorkerList.class);
    private static final ObjectReader SCANNER = mapper(true).readerFor(ScannerStatus.class);
    private static final ObjectReader CRONS = mapper(false).readerFor(CronList.class);
    private static final ObjectReader DOCS = mapper(false).readerFor(DtrVersion.class);

    /** What imagescan/status answers with a 400 (and its usual error body): scanning is not enabled. */
    public static final int SCANNING_DISABLED = 400;

    /**
     * /api/v0/imagescan/status: the scanner's state, or empty when the DTR answers
     * {@value #SCANNING_DISABLED}, which says scanning is not enabled (a state, not a failure).
     */
    public static final BodyParser<Optional<ScannerStatus>> SCANNING = new BodyParser<>() {
        @Override
        public Optional<ScannerStatus> parse(InputStream body) throws IOException {
            return Optional.of(read(SCANNER, body, ScannerStatus.class));
        }

        @Override
        public Optional<ScannerStatus> parse(int status, InputStream body) throws IOException {
            return status == SCANNING_DISABLED ? Optional.empty() : parse(body);
        }
    };

    private ResponseParsers() {
    }

    public static ClusterStatus clusterStatus(InputStream body) throws IOException {
        return read(CLUSTER_STATUS, body, ClusterStatus.class);
    }

    public static Ping ping(InputStream body) throws IOException {
        return read(PING, body, Ping.class);
    }

    public static WorkerList workers(InputStream body) throws IOException {
        return read(WORKERS, body, WorkerList.class);
    }

    public static JobList jobs(InputStream body) throws IOException {
        return read(JOBS, body, JobList.class);
    }

    public static CronList crons(InputStream body) throws IOException {
        return read(CRONS, body, CronList.class);
    }

    /** Reads info.version of docs.json and skips the rest of the document without building it. */
    public static DtrVersion version(InputStream body) throws IOException {
        return read(DOCS, body, DtrVersion.class);
    }

    /**
     * A reader of info.version from the head of docs.json, so that the rest (hundreds of KB) need not
     * be read; where the head cannot tell, the whole body goes to {@link #version}.
     */
    public static HeadReader<DtrVersion> versionHead() {
        return new VersionHead();
    }

    /** Every way a body can be unreadable ends in a JsonProcessingException, which callers call invalid_response. */
    private static <T> T read(ObjectReader reader, InputStream body, Class<T> type) throws IOException {
        T value;
        try {
            value = reader.readValue(body);
        } catch (CharConversionException e) {
            // Jackson's UTF-32 decoder (chosen for a body that starts 00 00 FE FF) reports a bad character
            // with this plain IOException, which DtrClient would take for a broken connection
            throw new JsonParseException((JsonParser) null, "not valid UTF-32: " + e.getMessage(), e);
        }
        if (value == null) {
            // a body of just `null` binds to null, and a success without a body is no success
            throw MismatchedInputException.from((JsonParser) null, type,
                    "the body is JSON null, not a " + type.getSimpleName());
        }
        return value;
    }

    /**
     * Every model type ignores keys it does not know, as if each said @JsonIgnoreProperties(ignoreUnknown
     * = true). FAIL_ON_UNKNOWN_PROPERTIES off is not enough for records: they are built through their
     * constructors, and for those Jackson copies each unknown key into a buffer until the object ends
     * (all of table_config, every job's other fields), then drops it. Ignored keys are skipped instead.
     */
    private static final class SkipUnknownKeys extends JacksonAnnotationIntrospector {
        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
            return super.findPropertyIgnoralByName(config, annotated).withIgnoreUnknown();
        }
    }

    private static JsonMapper mapper(boolean snakeCase) {
        JsonMapper.Builder builder = JsonMapper.builder()
                // Jackson would close the body when it stops, and closing drains the rest of it: a 64 MiB
                // cut would read the whole endless body. DtrClient decides how the body ends.
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .annotationIntrospector(new SkipUnknownKeys())
                // "{...}<html>" is a broken answer, not a cluster status
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // `"stats":[null]` or `"jobs":[null]`: a null is no row, and the mapping must never meet one
                .withConfigOverride(List.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.SKIP)));
        if (snakeCase) {
            builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        }
        return builder.build();
    }
}
