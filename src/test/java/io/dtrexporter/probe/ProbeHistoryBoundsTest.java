package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What /logs can show stays bounded by --history.limit, the targets keep their last probe, and the
 * rows of / have bounds of their own.
 */
class ProbeHistoryBoundsTest {
    private Instant now = Instant.parse("2026-12-04T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };
    private ProbeHistory history = new ProbeHistory(3, 3, clock);

    @Test
    void aTargetProbedRarelyKeepsItsRowThroughAFloodOfAnothersProbes() {
        ProbeLog rare = add("prod", "https://rare:443", true);
        for (int i = 0; i < 10; i++) {
            add("prod", "https://busy:443", true);
        }
        List<ProbeLog> latest = history.latestPerTarget();
        assertEquals(List.of("https://busy:443", "https://rare:443"), latest.stream().map(ProbeLog::target).toList());
        assertEquals(rare, history.find(rare.id()).orElseThrow(), "its log link still answers");
    }

    @Test
    void theTargetGoneQuietLongestMakesRoomForANewOne() {
        add("prod", "https://a:443", true);
        add("prod", "https://b:443", true);
        add("prod", "https://c:443", true);
        add("prod", "https://a:443", false);
        add("prod", "https://d:443", true);
        assertEquals(List.of("https://d:443", "https://a:443", "https://c:443"),
                history.latestPerTarget().stream().map(ProbeLog::target).toList());
        assertTrue(history.latestPerTarget().stream().noneMatch(log -> log.target().equals("https://a:443") && log.success()),
                "a's row is its last probe");
    }

    @Test
    void everyTargetOfAFleetLargerThanTheLogLimitKeepsItsRowWhileItsOldLogsGo() {
        history = new ProbeHistory(3, ProbeHistory.TARGET_ROWS, clock);
        ProbeLog down = add("prod", "https://down:443", false);
        for (int i = 0; i < 1_000; i++) {
            add("prod", "https://t" + i + ":443", i % 2 == 0); // failures too, which have logs kept apart
        }
        List<ProbeLog> rows = history.latestPerTarget();
        assertEquals(1_001, rows.size());
        ProbeLog row = rows.stream().filter(log -> log.target().equals("https://down:443")).findFirst().orElseThrow();
        assertFalse(row.success());
        assertEquals(down.id(), row.id());
        assertTrue(history.find(down.id()).isEmpty(), "its log made room for newer ones");
        assertFalse(history.keptIds().contains(down.id()), "so / links to no log");
        assertTrue(history.keptIds().contains(rows.get(0).id()));
    }

    @Test
    void aRowGoesAnHourAfterItsTargetsLastProbeAndTheRowsAreBounded() {
        add("prod", "https://removed:443", false);
        now = now.plus(ProbeHistory.ROW_AGE).minusSeconds(30);
        add("prod", "https://kept:443", true);
        assertEquals(2, history.latestPerTarget().size());
        now = now.plusSeconds(31);
        assertEquals(List.of("https://kept:443"), history.latestPerTarget().stream().map(ProbeLog::target).toList());

        history = new ProbeHistory(3, 2, clock);
        add("prod", "https://a:443", true);
        add("prod", "https://b:443", true);
        add("prod", "https://c:443", true);
        assertEquals(List.of("https://c:443", "https://b:443"), history.latestPerTarget().stream().map(ProbeLog::target).toList());
    }

    @Test
    void aRowHoldsNoLogLinesAndShortFailureDetails() {
        ProbeLog log = new ProbeLog(history.nextId(), now, "prod", "https://a:443", false, Duration.ofMillis(5),
                List.of(new ProbeLog.FailedCall("jobs", "http_status", "HTTP 500: " + "x".repeat(900))),
                List.of("probe 1 of target https://a:443", "GET ...", "failure: dtr_up 0"));
        history.add(log);
        ProbeLog row = history.latestPerTarget().get(0);
        assertEquals(List.of(), row.lines());
        assertEquals(ProbeHistory.ROW_DETAIL_CHARS, row.failedCalls().get(0).detail().length());
        assertEquals(log, history.find(log.id()).orElseThrow(), "the log keeps it all");
    }

    @Test
    void theSameTargetWithAnotherModuleIsAnotherRow() {
        add("prod", "https://a:443", true);
        add("staging", "https://a:443", false);
        assertEquals(2, history.latestPerTarget().size());
    }

    @Test
    void keptListsEachLogOnceNewestFirstAndAtMostThreeTimesTheLimit() {
        for (int i = 0; i < 20; i++) {
            add("prod", "https://t" + i + ":443", i % 2 == 0);
        }
        List<Long> ids = history.kept().stream().map(ProbeLog::id).toList();
        assertTrue(ids.size() <= 9, ids.toString());
        assertEquals(ids.stream().distinct().sorted((a, b) -> Long.compare(b, a)).toList(), ids);
        assertEquals(20L, ids.get(0));
        ids.forEach(id -> assertTrue(history.find(id).isPresent(), "every listed log answers: " + id));
    }

    private ProbeLog add(String module, String target, boolean success) {
        ProbeLog log = new ProbeLog(history.nextId(), now, module, target, success, Duration.ofMillis(5),
                List.of(), List.of());
        history.add(log);
        return log;
    }
}
