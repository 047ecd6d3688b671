package dev.lattice.runtime.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class RememberedBetweenWritesTest {
    /** What the "database" holds, and how often it was read. */
    private final AtomicReference<String> stored = new AtomicReference<>("v1");

    private final AtomicInteger reads = new AtomicInteger();

    private Mono<String> read() {
        return Mono.fromSupplier(() -> {
            reads.incrementAndGet();
            return stored.get();
        });
    }

    private Mono<Void> write(String value) {
        return Mono.fromRunnable(() -> stored.set(value));
    }

    @Test
    void aValueIsReadOnceAndStandsUntilAWrite() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(true, 10);
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v1");
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v1");
        assertThat(reads).hasValue(1);

        remembered.writing(write("v2")).block();
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v2");
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aKnownValueIsTheOneRememberedWhileNoWriteBeganAndNoneIsReadForIt() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(true, 10);
        assertThat(remembered.known("k")).isEmpty();
        remembered.get("k", this::read).block();
        assertThat(remembered.known("k")).contains("v1");
        assertThat(remembered.known("other")).isEmpty();
        Sinks.Empty<Void> commit = Sinks.empty();
        remembered.writing(commit.asMono().then(write("v2"))).subscribe();
        assertThat(remembered.known("k")).isEmpty(); // a write under way
        commit.tryEmitEmpty();
        assertThat(remembered.known("k")).isEmpty();
        assertThat(reads).hasValue(1);
        // Nothing is known where nothing is remembered.
        RememberedBetweenWrites<String, String> forgetful = RememberedBetweenWrites.of(false, 10);
        forgetful.get("k", this::read).block();
        assertThat(forgetful.known("k")).isEmpty();
    }

    @Test
    void aReadDuringAWriteIsNotTrustedOnceTheWriteEnds() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(true, 10);
        Sinks.Empty<Void> commit = Sinks.empty();
        // A write under way: it has begun, and its change is not visible yet.
        remembered.writing(commit.asMono().then(write("v2"))).subscribe();
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v1");
        commit.tryEmitEmpty();
        assertThat(stored).hasValue("v2");
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aWriteBetweenAReadsStartAndItsEndKeepsItFromBeingRemembered() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(true, 10);
        Sinks.One<String> slowRead = Sinks.one();
        AtomicReference<String> answered = new AtomicReference<>();
        remembered.get("k", slowRead::asMono).subscribe(answered::set);
        remembered.writing(write("v2")).block();
        slowRead.tryEmitValue("v1"); // what the read saw, before the write
        assertThat(answered).hasValue("v1");
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v2");
    }

    @Test
    void aFailedWriteEndsToo() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(true, 10);
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v1");
        Mono<Void> failing = Mono.fromRunnable(() -> stored.set("v2")).then(Mono.error(new IllegalStateException()));
        assertThatThrownBy(() -> remembered.writing(failing).block()).isInstanceOf(IllegalStateException.class);
        assertThat(remembered.get("k", this::read).block()).isEqualTo("v2");
    }

    @Test
    void manyKeysAreReadAtOnceForThoseNotRemembered() {
        RememberedBetweenWrites<String, Boolean> remembered = RememberedBetweenWrites.of(true, 10);
        List<Set<String>> asked = new ArrayList<>();
        Function<Set<String>, Mono<Map<String, Boolean>>> read = keys -> {
            asked.add(keys);
            return Mono.just(keys.stream().collect(Collectors.toMap(key -> key, key -> key.startsWith("y"))));
        };
        assertThat(remembered.getAll(List.of("y1", "n1"), read).block()).isEqualTo(Map.of("y1", true, "n1", false));
        assertThat(remembered.getAll(List.of("y1", "n1", "y2"), read).block())
                .isEqualTo(Map.of("y1", true, "n1", false, "y2", true));
        assertThat(asked).containsExactly(Set.of("y1", "n1"), Set.of("y2"));
    }

    @Test
    void notTheOnlyProcessReadsEveryTime() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(false, 10);
        remembered.get("k", this::read).block();
        remembered.get("k", this::read).block();
        assertThat(reads).hasValue(2);
    }

    @Test
    void beyondTheMostKeysAllAreForgotten() {
        RememberedBetweenWrites<String, String> remembered = RememberedBetweenWrites.of(true, 2);
        remembered.get("a", this::read).block();
        remembered.get("b", this::read).block();
        remembered.get("c", this::read).block(); // forgets a and b
        remembered.get("c", this::read).block();
        assertThat(reads).hasValue(3);
        remembered.get("a", this::read).block();
        assertThat(reads).hasValue(4);
    }
}
