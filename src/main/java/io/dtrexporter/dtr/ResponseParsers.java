package io.dtrexporter.dtr;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dtrexporter.dtr.model.ClusterStatus;
import io.dtrexporter.dtr.model.JobList;
import java.io.IOException;
import java.io.InputStream;

/**
 * Binds DTR bodies straight into the model records, in one streaming pass: no tree, no copy of the
 * body. cluster_status speaks snake_case (RethinkDB), jobs camelCase (Go).
 */
public final class ResponseParsers {
    private static final ObjectReader CLUSTER_STATUS = mapper(true).readerFor(ClusterStatus.class);
    private static final ObjectReader JOBS = mapper(false).readerFor(JobList.class);

    private ResponseParsers() {
    }

    public static ClusterStatus clusterStatus(InputStream body) throws IOException {
        return CLUSTER_STATUS.readValue(body);
    }

    public static JobList jobs(InputStream body) throws IOException {
        return JOBS.readValue(body);
    }

    private static JsonMapper mapper(boolean snakeCase) {
        JsonMapper.Builder builder = JsonMapper.builder()
                // Jackson would close the body when it stops, and closing drains the rest of it: a 64 MiB
                // cut would read the whole endless body. DtrClient decides how the body ends.
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // "{...}<html>" is a broken answer, not a cluster status
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        if (snakeCase) {
            builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        }
        return builder.build();
    }
}
