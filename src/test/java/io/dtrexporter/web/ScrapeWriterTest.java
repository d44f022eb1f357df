package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Names outside Prometheus' legacy characters ([a-zA-Z0-9_:]) are written as the Accept header's
 * escaping parameter asks: quoted as they are for Prometheus 3's allow-utf-8, escaped otherwise.
 * Every name the exporter writes today is a legacy one, so only such a name shows the difference.
 */
class ScrapeWriterTest {
    private static final MetricSnapshots DOTTED = MetricSnapshots.of(GaugeSnapshot.builder()
            .name("dtr.replica.up").help("a name only Prometheus 3 reads as it is")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("replica.id", "91b72265b1f5"))
                    .value(1).build())
            .build());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Prometheus 3        | application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1 | {"dtr.replica.up","replica.id"="91b72265b1f5"} 1.0
            text 1.0.0 in UTF-8 | text/plain;version=1.0.0;escaping=allow-utf-8                                | {"dtr.replica.up","replica.id"="91b72265b1f5"} 1.0
            text 1.0.0          | text/plain;version=1.0.0                                                      | dtr_replica_up{replica_id="91b72265b1f5"} 1.0
            escaping=dots       | text/plain;version=1.0.0;escaping=dots                                        | dtr_dot_replica_dot_up{replica_dot_id="91b72265b1f5"} 1.0
            Prometheus 2        | application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | dtr_replica_up{replica_id="91b72265b1f5"} 1.0
            curl                | */*                                                                           | dtr_replica_up{replica_id="91b72265b1f5"} 1.0
            """)
    void namesAreEscapedAsTheAcceptHeaderAsks(String scraper, String accept, String sample) {
        assertEquals(sample, samples(new ScrapeWriter().render(accept, DOTTED)).get(0), scraper);
    }

    private static List<String> samples(ScrapeWriter.Rendered answer) {
        ByteBuffer body = answer.body().duplicate();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8).lines().filter(line -> !line.startsWith("#")).toList();
    }
}
