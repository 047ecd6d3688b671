package dev.lattice.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.runtime.outbox.OutboxRecord;
import dev.lattice.runtime.outbox.OutboxStatement;
import dev.lattice.runtime.outbox.OutboxWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The transactional outbox against a real PostgreSQL and Kafka. */
class OutboxIT {
    private static final String SCHEMA = "outboxprobe";
    private static final String TOPIC = "notes";

    private DatabaseClient client;
    private TransactionalOperator transactions;
    /** A client on its own connection factory: it never joins the outbox's transactions, so it sees only commits. */
    private DatabaseClient outsider;

    private Bus bus;
    /** Payloads seen on the topic, per key, in arrival order. */
    private final Map<String, List<String>> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        LatticeProperties.Database db = TestInfra.postgres();
        ConnectionFactory connections = TestInfra.connectionFactory();
        client = new Database(db, List.of(new ServiceSchema(SCHEMA)), DatabaseClient.create(connections)).client();
        transactions = TransactionalOperator.create(new R2dbcTransactionManager(connections));
        outsider = DatabaseClient.create(TestInfra.connectionFactory());
        // A fresh topic prefix per test: no test sees another's records.
        bus = new Bus(
                new LatticeProperties.Kafka(
                        TestInfra.kafkaBootstrap(), "test-" + UUID.randomUUID() + ".", 2, (short) 1, 32, null),
                new SimpleMeterRegistry());
        bus.createTopics(List.of(TOPIC));
        bus.subscribe("outbox-it", List.of(TOPIC), record -> {
            seen.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>())
                    .add(new String(record.payload(), UTF_8));
            return Mono.empty();
        });
    }

    @AfterEach
    void tearDown() {
        bus.close();
    }

    @Test
    void aRolledBackTransactionPublishesNothing() throws Exception {
        String key = key();
        try (Outbox outbox = outbox(bus::publish)) {
            assertThatThrownBy(() -> outbox.inTransaction(writer -> writeNote(writer, key, "rolled-back")
                                    .then(Mono.error(new IllegalStateException("abort"))))
                            .block())
                    .hasMessageContaining("abort");
            assertThat(noteExists("rolled-back-" + key)).isFalse();

            assertThat(seenUpToABarrier(outbox, key)).containsExactly("barrier");
            assertThat(outbox.unpublished().block()).isZero();
        }
    }

    @Test
    void committedRecordsArePublishedOnceAfterTheCommit() throws Exception {
        String key = key();
        List<String> visibleWhenPublished = new CopyOnWriteArrayList<>();
        Outbox.Publisher checking = notingVisibility(payload -> payload + "-" + key, visibleWhenPublished);
        try (Outbox outbox = outbox(checking)) {
            String result = outbox.inTransaction(writer -> writeNote(writer, key, "a")
                            .then(writeNote(writer, key, "b"))
                            .then(Mono.fromCallable(() -> {
                                // Still inside the transaction: nothing may have been published yet.
                                assertThat(visibleWhenPublished).isEmpty();
                                return "done";
                            })))
                    .block();
            assertThat(result).isEqualTo("done");
            // inTransaction completes after publishing, and each record was published after its note was visible.
            assertThat(visibleWhenPublished).containsExactly("a", "b");
            assertThat(outbox.unpublished().block()).isZero();

            assertThat(seenUpToABarrier(outbox, key)).containsExactly("a", "b", "barrier");
        }
    }

    @Test
    void theSweeperPublishesWhatACrashLeftInOrderPerKey() throws Exception {
        String first = key();
        String second = key();
        Outbox.Publisher crashed = (topic, k, payload) -> Mono.error(new IllegalStateException("kill -9"));
        try (Outbox crashing = outbox(crashed)) {
            for (int i = 0; i < 5; i++) {
                String n = "n" + i;
                // The write commits even though publishing fails: the rows stay for the sweeper.
                assertThat(crashing.inTransaction(writer -> writeNote(writer, first, n)
                                        .then(writeNote(writer, second, n))
                                        .thenReturn(n))
                                .block())
                        .isEqualTo(n);
            }
            assertThat(crashing.unpublished().block()).isEqualTo(10);
        }
        try (Outbox restarted = outbox(bus::publish).start()) {
            waitFor(() -> seen(first).size() == 5 && seen(second).size() == 5);
            assertThat(seen(first)).containsExactly("n0", "n1", "n2", "n3", "n4");
            assertThat(seen(second)).containsExactly("n0", "n1", "n2", "n3", "n4");
            waitFor(() -> restarted.unpublished().block() == 0);
        }
    }

    @Test
    void aCommitPublishesTheKeysOlderLeftoversFirst() throws Exception {
        String key = key();
        try (Outbox crashing = outbox((topic, k, payload) -> Mono.error(new IllegalStateException("broker away")))) {
            crashing.inTransaction(writer -> writeNote(writer, key, "old1").then(writeNote(writer, key, "old2")))
                    .block();
        }
        try (Outbox outbox = outbox(bus::publish)) { // no sweeper: the commit path alone
            outbox.inTransaction(writer -> writeNote(writer, key, "new")).block();
            assertThat(outbox.unpublished().block()).isZero();
            waitFor(() -> seen(key).size() == 3);
            assertThat(seen(key)).containsExactly("old1", "old2", "new");
        }
    }

    @Test
    void aSecondPublisherOfAKeyWaitsAndPublishesNothingTwice() throws Exception {
        String key = key();
        try (Outbox crashing = outbox((topic, k, payload) -> Mono.error(new IllegalStateException("broker away")))) {
            crashing.inTransaction(writer -> writeNote(writer, key, "old")).block();
        }
        CompletableFuture<Void> release = new CompletableFuture<>();
        CountDownLatch publishing = new CountDownLatch(1);
        // The committing path's publisher stops at its first record until released, holding the key's rows; it
        // keeps its records' order itself, as a publisher that waits before sending must (see above).
        AtomicReference<Mono<Void>> previous = new AtomicReference<>(Mono.empty());
        Outbox.Publisher held = (topic, k, payload) ->
                previous.updateAndGet(before -> before.then(Mono.fromRunnable(publishing::countDown))
                        .then(Mono.fromFuture(release))
                        .then(bus.publish(topic, k, payload))
                        .cache());
        try (Outbox committing = outbox(held);
                Outbox sweeping = outbox(bus::publish)) {
            CompletableFuture<Void> written = committing
                    .inTransaction(writer -> writeNote(writer, key, "new"))
                    .then()
                    .toFuture();
            assertThat(publishing.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> swept = sweeping.sweep().toFuture();
            Thread.sleep(300);
            assertThat(swept)
                    .as("the sweeper waits for the rows the publisher holds")
                    .isNotDone();
            release.complete(null);
            written.get(10, TimeUnit.SECONDS);
            assertThat(swept.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(seenUpToABarrier(committing, key)).containsExactly("old", "new", "barrier");
            assertThat(committing.unpublished().block()).isZero();
        }
    }

    @Test
    void concurrentWritersKeepEachKeysOrder() throws Exception {
        List<String> keys = List.of(key(), key(), key(), key());
        try (Outbox outbox = outbox(bus::publish).start()) {
            writeSideBySide(outbox, keys);
            assertEachKeySeenInOrder(keys);
        }
    }

    /** Keys side by side, each key's 20 writes one after another (as a row lock orders them in the services). */
    private void writeSideBySide(Outbox outbox, List<String> keys) {
        Flux.fromIterable(keys)
                .flatMap(key -> Flux.range(0, 20)
                        .concatMap(i -> outbox.inTransaction(writer -> writeNote(writer, key, "m" + i))))
                .then()
                .block();
    }

    /** Each key's 20 records of {@link #writeSideBySide}, seen in the order they were written. */
    private void assertEachKeySeenInOrder(List<String> keys) throws InterruptedException {
        waitFor(() -> keys.stream().allMatch(key -> seen(key).size() >= 20));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("m" + i);
        }
        for (String key : keys) {
            assertThat(seen(key)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theSoleRelayPublishesCommitsFromMemoryInOrderAndDeletesTheRowsLater() throws Exception {
        List<String> keys = List.of(key(), key(), key(), key());
        // A sweeper that runs once, at start: the rows published stay until close() deletes them.
        try (Outbox outbox = soleRelay(bus::publish, Duration.ofHours(1))) {
            waitFor(outbox::relaysFromMemory);
            writeSideBySide(outbox, keys);
            // Published without claiming: every row is still there, for the sweeper's next turn to delete.
            assertThat(outbox.unpublished().block()).isEqualTo(80);
            assertEachKeySeenInOrder(keys);
        }
        assertThat(outbox(bus::publish).unpublished().block()).isZero();
    }

    @Test
    void theSoleRelayPublishesLeftoversFirstAndClaimsAKeyWhosePublicationFailed() throws Exception {
        String key = key();
        try (Outbox crashing = outbox((topic, k, payload) -> Mono.error(new IllegalStateException("broker away")))) {
            crashing.inTransaction(writer -> writeNote(writer, key, "old1").then(writeNote(writer, key, "old2")))
                    .block();
        }
        java.util.concurrent.atomic.AtomicBoolean failedOnce = new java.util.concurrent.atomic.AtomicBoolean();
        Outbox.Publisher failingOnce = (topic, k, payload) ->
                new String(payload, UTF_8).equals("lost") && failedOnce.compareAndSet(false, true)
                        ? Mono.error(new IllegalStateException("broker away"))
                        : bus.publish(topic, k, payload);
        try (Outbox outbox = soleRelay(failingOnce, Duration.ofHours(1))) {
            waitFor(outbox::relaysFromMemory); // the leftovers were swept
            waitFor(() -> seen(key).size() == 2);
            outbox.inTransaction(writer -> writeNote(writer, key, "lost")).block();
            assertThat(failedOnce).isTrue();
            // The key is claimed from now on: the row the failure left goes first.
            outbox.inTransaction(writer -> writeNote(writer, key, "next")).block();
            waitFor(() -> seen(key).size() == 4);
            assertThat(seen(key)).containsExactly("old1", "old2", "lost", "next");
        }
    }

    @Test
    void aStatementWritingItsOwnRowsPublishesThemOnceItCompleted() throws Exception {
        String key = key();
        List<String> visibleWhenPublished = new CopyOnWriteArrayList<>();
        Outbox.Publisher checking = notingVisibility(payload -> "a-" + key, visibleWhenPublished);
        try (Outbox outbox = outbox(checking)) {
            assertThat(writeNoteAlone(outbox, key, "a", "a", "a2").block()).isTrue();
            assertThat(visibleWhenPublished).containsExactly("a", "a2");
            assertThat(outbox.unpublished().block()).isZero();

            // The note exists already: the statement's gate has no row, so it writes and publishes nothing.
            assertThat(writeNoteAlone(outbox, key, "a", "again").block()).isFalse();
            assertThat(outbox.unpublished().block()).isZero();
            assertThat(seenUpToABarrier(outbox, key)).containsExactly("a", "a2", "barrier");
        }
    }

    @Test
    void theSoleRelayPublishesStatementsFromMemoryInOrder() throws Exception {
        List<String> keys = List.of(key(), key(), key(), key());
        try (Outbox outbox = soleRelay(bus::publish, Duration.ofHours(1))) {
            waitFor(outbox::relaysFromMemory);
            Flux.fromIterable(keys)
                    .flatMap(key -> Flux.range(0, 20).concatMap(i -> writeNoteAlone(outbox, key, "m" + i, "m" + i)))
                    .then()
                    .block();
            assertThat(outbox.unpublished().block()).isEqualTo(80);
            assertEachKeySeenInOrder(keys);
        }
    }

    @Test
    void theSoleRelayClaimsTheKeysOfAStatementWhoseOutcomeIsUnknown() throws Exception {
        String key = key();
        try (Outbox outbox = soleRelay(bus::publish, Duration.ofHours(1))) {
            waitFor(outbox::relaysFromMemory);
            // The statement commits, but its caller sees a failure (a connection lost before the answer).
            assertThatThrownBy(() -> outbox.inStatement(
                                    records(key, "lost"),
                                    statement -> noteStatement(statement, "lost-" + key)
                                            .then(Mono.error(new IllegalStateException("connection lost"))))
                            .block())
                    .hasMessageContaining("connection lost");
            assertThat(noteExists("lost-" + key)).isTrue();
            // The next write of the key claims, so the row left goes first (the sweeper would take it only later).
            writeNoteAlone(outbox, key, "next", "next").block();
            waitFor(() -> seen(key).size() == 2);
            assertThat(seen(key)).containsExactly("lost", "next");
        }
    }

    // ---- helpers ----

    /** A started sole relay whose sweeper runs every {@code sweepInterval}. */
    private Outbox soleRelay(Outbox.Publisher publisher, Duration sweepInterval) {
        return new Outbox(client, transactions, SCHEMA, publisher, sweepInterval, 3)
                .soleRelay()
                .start();
    }

    private Outbox outbox(Outbox.Publisher publisher) {
        return new Outbox(client, transactions, SCHEMA, publisher, Duration.ofMillis(200), 3);
    }

    /** {@link Outbox#statementPart} of this schema's outbox, gated on the statement's part {@code note}. */
    private static final String OUTBOX_PART = Outbox.statementPart(SCHEMA, "note");

    /**
     * A publisher noting each payload whose note ({@code noteOf} the payload) another connection sees when it is
     * published. The outbox hands a key's records over without waiting for each to complete, so a publisher that does
     * work of its own before sending (here a query) must keep their order itself: each waits for the one before.
     */
    private Outbox.Publisher notingVisibility(Function<String, String> noteOf, List<String> visibleWhenPublished) {
        AtomicReference<Mono<Void>> previous = new AtomicReference<>(Mono.empty());
        return (topic, k, payload) ->
                previous.updateAndGet(before -> before.then(noteExistsAsync(noteOf.apply(new String(payload, UTF_8)))
                                .doOnNext(visible -> {
                                    if (visible) {
                                        visibleWhenPublished.add(new String(payload, UTF_8));
                                    }
                                })
                                .then(bus.publish(topic, k, payload)))
                        .cache());
    }

    /** Stores note {@code name-key} and enqueues its record, keyed {@code key}, whose payload is {@code name}. */
    private Mono<Void> writeNote(OutboxWriter writer, String key, String name) {
        return client.sql("INSERT INTO outboxprobe.notes (name) VALUES (:name)")
                .bind("name", name + "-" + key)
                .then()
                .then(writer.enqueue(TOPIC, key, name.getBytes(UTF_8)));
    }

    /**
     * Stores note {@code name-key} and its records, keyed {@code key}, with {@code payloads}, in one statement of
     * {@link Outbox#inStatement}; emits whether the note was new (only then are the records written).
     */
    private Mono<Boolean> writeNoteAlone(Outbox outbox, String key, String name, String... payloads) {
        return outbox.inStatement(records(key, payloads), statement -> noteStatement(statement, name + "-" + key));
    }

    private Mono<Boolean> noteStatement(OutboxStatement statement, String note) {
        String sql = "WITH note AS (INSERT INTO outboxprobe.notes (name) VALUES (:name) ON CONFLICT DO NOTHING"
                + " RETURNING name), outbox_rows AS (" + OUTBOX_PART + ") SELECT EXISTS (SELECT 1 FROM note) AS new,"
                + " ARRAY(SELECT outbox_seq FROM outbox_rows ORDER BY outbox_seq) AS outbox_seqs";
        return statement
                .bind(client.sql(sql).bind("name", note))
                .map(row -> {
                    statement.written(List.of(row.get("outbox_seqs", Long[].class)));
                    return row.get("new", Boolean.class);
                })
                .one();
    }

    private static List<OutboxRecord> records(String key, String... payloads) {
        return Stream.of(payloads)
                .map(payload -> new OutboxRecord(TOPIC, key, payload.getBytes(UTF_8)))
                .toList();
    }

    private Mono<Boolean> noteExistsAsync(String name) {
        return outsider.sql("SELECT count(*) AS n FROM outboxprobe.notes WHERE name = :name")
                .bind("name", name)
                .map(row -> row.get("n", Long.class) == 1L)
                .one();
    }

    private boolean noteExists(String name) {
        return noteExistsAsync(name).block();
    }

    /**
     * What was seen of {@code key} once a later record of it (the barrier) arrived: anything published before it would
     * have arrived too.
     */
    private List<String> seenUpToABarrier(Outbox outbox, String key) throws InterruptedException {
        outbox.inTransaction(writer -> writeNote(writer, key, "barrier")).block();
        waitFor(() -> seen(key).contains("barrier"));
        return seen(key);
    }

    private List<String> seen(String key) {
        return seen.getOrDefault(key, List.of());
    }

    private static String key() {
        return "@" + UUID.randomUUID() + ":example.org";
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        BusIT.waitFor(condition);
    }
}
