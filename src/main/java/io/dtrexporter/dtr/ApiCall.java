package io.dtrexporter.dtr;

import io.dtrexporter.config.ModuleConfig;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One DTR API call a probe can make, described once: adding a call means one of these and its
 * mapper. The probe package holds the calls ({@code ApiCalls}); the client needs only the label,
 * the parser and which statuses answer.
 *
 * @param label         the value of the {@code api} metric label
 * @param pathAndQuery  what the call asks for, as sent (without a target's prefix)
 * @param parser        reads a body that answered
 * @param answers       the statuses whose body is the answer; others are failures
 * @param enabled       whether a module makes this call (its module key)
 * @param metrics       adds the DTR's figures from a parsed body
 * @param reusedFor     how long a successful answer serves later probes; zero: made at every probe
 * @param head          for a call whose answer can be read from the head of its body: a new reader
 *                      per exchange, after which the rest of the body is not read (see {@link HeadReader})
 */
public record ApiCall<T>(String label, Function<ModuleConfig, String> pathAndQuery, BodyParser<T> parser,
                         IntPredicate answers, Predicate<ModuleConfig> enabled,
                         BiConsumer<T, List<MetricSnapshot>> metrics, Duration reusedFor,
                         Optional<Supplier<HeadReader<T>>> head) {
    /** A call made at every probe. */
    public ApiCall(String label, Function<ModuleConfig, String> pathAndQuery, BodyParser<T> parser, IntPredicate answers,
                   Predicate<ModuleConfig> enabled, BiConsumer<T, List<MetricSnapshot>> metrics) {
        this(label, pathAndQuery, parser, answers, enabled, metrics, Duration.ZERO);
    }

    /** A call whose body is read whole. */
    public ApiCall(String label, Function<ModuleConfig, String> pathAndQuery, BodyParser<T> parser, IntPredicate answers,
                   Predicate<ModuleConfig> enabled, BiConsumer<T, List<MetricSnapshot>> metrics, Duration reusedFor) {
        this(label, pathAndQuery, parser, answers, enabled, metrics, reusedFor, Optional.empty());
    }

    /** This call, answered as soon as the head of its body tells {@code head}'s readers the answer. */
    public ApiCall<T> answeredByItsHead(Supplier<HeadReader<T>> head) {
        return new ApiCall<>(label, pathAndQuery, parser, answers, enabled, metrics, reusedFor, Optional.of(head));
    }

    /** Whether a successful answer serves the probes of its module and target for {@link #reusedFor}. */
    public boolean reused() {
        return !reusedFor.isZero();
    }

    /** 2xx: the usual answer. */
    public static boolean isSuccess(int status) {
        return status >= 200 && status <= 299;
    }

    @Override
    public String toString() {
        return label;
    }
}
