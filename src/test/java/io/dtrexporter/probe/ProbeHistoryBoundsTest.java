package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What / and /logs can show stays bounded by --history.limit, and the targets keep their last probe. */
class ProbeHistoryBoundsTest {
    private final ProbeHistory history = new ProbeHistory(3);

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
        ProbeLog log = new ProbeLog(history.nextId(), Instant.now(), module, target, success, Duration.ofMillis(5),
                List.of(), List.of());
        history.add(log);
        return log;
    }
}
