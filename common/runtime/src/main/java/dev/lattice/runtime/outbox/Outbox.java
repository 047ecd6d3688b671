package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A service's transactional outbox, the one way a service publishes what it just wrote.
 *
 * <p>{@link #inTransaction} runs the caller's writes in one database transaction, in which they {@link
 * OutboxWriter#enqueue enqueue} bus records as rows of {@code <schema>.outbox}; after the commit the same call
 * publishes those rows ({@code acks=all} through the bus) and deletes them. A rolled-back transaction leaves no rows,
 * so nothing is published that did not commit; a record is never published before its write is visible.
 *
 * <p>Order: the rows of one key are published in {@code seq} order by the transaction that claimed them: it deletes
 * the key's oldest rows, locking them oldest first ({@code FOR UPDATE}), publishes them and commits. A second claimant
 * of the key waits at the first row the first one holds, and goes on with what is left once that one ends (all of it
 * if it rolled back). The rows are handed to the publisher in order without waiting for each acknowledgement: the
 * bus's idempotent producer keeps one key's records in order and lets none follow a record that failed, so a join's
 * thousands of state records take one round trip's wait, not one each. A claim always starts at the key's oldest
 * remaining row, so rows an earlier transaction left go out before the new ones.
 *
 * <p>Crashes: a crash (or a broker failure) between the commit and the delete leaves rows; {@link #start} runs a
 * sweeper that publishes them at once and then every {@code sweepInterval}, in the same per-key order. A crash after
 * publishing but before the delete committed publishes those rows again: delivery is at least once, and every record
 * published through an outbox must carry an ID or position that lets its consumers recognise a replay.
 *
 * <p>The sole relay ({@link #soleRelay}, for a service with one process: the all-in-one): no other process writes or
 * publishes the outbox's rows, so what a commit wrote is published from memory, with no claiming transaction, and
 * deleted afterwards with other published rows, every {@code sweepInterval}: a commit costs no statement after it.
 * The order a claim takes from row locks comes from the process itself: each key's commits are published one after
 * another in the order their rows were written (under the writers' row lock, so in {@code seq} order), each only
 * once the one before it is published. Rows the process did not write (left by an earlier one) are swept before the
 * first such publication; a key whose publication failed, or whose transaction's outcome is unknown (it failed after
 * writing its rows), is published by claims from then on, as without the sole relay, so its leftovers go first. The
 * sweeper takes only rows older than {@link #SOLE_RELAY_GRACE}: those the process did not get published. A crash
 * before the delete publishes the last second's records again, as a crash before a claim's commit does.
 *
 * <p>One statement ({@link #inStatement}): a caller whose write is one statement puts the outbox rows in it ({@link
 * #statementPart}) and needs no transaction; the records are published once the statement completed, as after a
 * commit.
 *
 * <p>The table, created by each owning service's Flyway migration (each service owns its schema and history):
 *
 * <pre>{@code
 * CREATE TABLE <schema>.outbox (
 *     seq        bigserial PRIMARY KEY, -- publication order within a key
 *     topic      text   NOT NULL,       -- the unprefixed bus topic
 *     record_key text   NOT NULL,       -- the record key
 *     payload    bytea  NOT NULL,       -- the record value
 *     created_ts bigint NOT NULL        -- when the row was written, ms since the epoch
 * );
 * CREATE INDEX outbox_key ON <schema>.outbox (record_key, seq);
 * }</pre>
 */
public final class Outbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /**
     * Publishes one record, completing once the broker has it durably ({@code Bus::publish}). Records published one
     * after another (each subscribed before the previous completed) must reach the broker in that order, with none
     * stored after one that failed.
     */
    @FunctionalInterface
    public interface Publisher {
        Mono<Void> publish(String topic, String key, byte[] payload);
    }

    /** The most records handed to the publisher before the first of them is acknowledged. */
    private static final int IN_FLIGHT = 256;

    private final String schema;
    private final OutboxTable table;
    private final TransactionalOperator transactions;
    private final Publisher publisher;
    private final Duration sweepInterval;
    private final int batchSize;
    private Disposable sweeper;

    /**
     * With the sole relay, how old a row must be before the sweeper takes it: published rows are deleted within a
     * {@code sweepInterval}, and a commit publishes its own within moments.
     */
    static final Duration SOLE_RELAY_GRACE = Duration.ofSeconds(10);

    private volatile boolean soleRelay;
    /** With the sole relay: whether the rows an earlier process left were swept (before that, commits claim). */
    private volatile boolean leftoversSwept;
    /** With the sole relay: each key's last commit in line to be published; a key's commits publish in turn. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> lines = new ConcurrentHashMap<>();
    /** With the sole relay: keys published by claims, because a publication failed or a commit's outcome is unknown. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    /** With the sole relay: rows published and not yet deleted. */
    private final ConcurrentLinkedQueue<Long> published = new ConcurrentLinkedQueue<>();

    /**
     * @param client must use the connection factory {@code transactions} manages, so statements join its transactions
     * @param schema the service schema holding the {@code outbox} table
     * @param sweepInterval how often the sweeper looks for rows left unpublished
     * @param batchSize the most rows one publishing transaction publishes
     */
    public Outbox(
            DatabaseClient client,
            TransactionalOperator transactions,
            String schema,
            Publisher publisher,
            Duration sweepInterval,
            int batchSize) {
        this.schema = requireNonNull(schema, "schema is null");
        this.table = new OutboxTable(client, schema);
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.publisher = requireNonNull(publisher, "publisher is null");
        this.sweepInterval = requireNonNull(sweepInterval, "sweepInterval is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        this.batchSize = batchSize;
    }

    /**
     * Runs {@code work} in one transaction and, once it committed, publishes the records it enqueued (with any older
     * rows of the same keys). Completes with the work's result after publishing; if publishing fails, the failure is
     * logged, the result still emitted (the write did commit) and the rows left to the sweeper. Fails, publishing
     * nothing, if the work or the commit fails.
     */
    public <T> Mono<T> inTransaction(Function<OutboxWriter, Mono<T>> work) {
        return Mono.defer(() -> {
            OutboxWriter writer = new OutboxWriter(table);
            if (soleRelay) {
                return inTransactionSoleRelay(writer, work);
            }
            // The records are written after the work, in one statement, still inside its transaction.
            return transactions
                    .transactional(Mono.defer(() -> work.apply(writer))
                            .singleOptional()
                            .flatMap(result -> writer.flush().thenReturn(result)))
                    .flatMap(result -> publishCommitted(writer).thenReturn(result))
                    .flatMap(Mono::justOrEmpty);
        });
    }

    /**
     * {@link #inTransaction} with the sole relay: once its rows are written, still in the transaction (so under the
     * writers' row lock), each key's records get in line behind the key's earlier commits; they are published when
     * those are and this transaction committed.
     */
    private <T> Mono<T> inTransactionSoleRelay(OutboxWriter writer, Function<OutboxWriter, Mono<T>> work) {
        CompletableFuture<Boolean> committed = new CompletableFuture<>();
        List<CompletableFuture<Void>> inLine = new ArrayList<>();
        return transactions
                .transactional(Mono.defer(() -> work.apply(writer))
                        .singleOptional()
                        .flatMap(result -> writer.flush()
                                .then(Mono.fromRunnable(() -> inLine.addAll(getInLine(writer, committed))))
                                .thenReturn(result)))
                .flatMap(result -> {
                    committed.complete(true);
                    return awaitPublished(inLine).thenReturn(result);
                })
                // Failed or cancelled: the rows may or may not have been committed.
                .doFinally(signal -> committed.complete(false))
                .flatMap(Mono::justOrEmpty);
    }

    /**
     * The part of a caller's statement that writes {@link #inStatement}'s records to {@code schema}'s outbox: an
     * insert to put among its {@code WITH} parts ({@code WITH outbox_rows AS (…)}), writing the rows only when {@code
     * gate} (a name the statement can read from, such as an earlier part) has a row, and returning each row's {@code
     * seq} as {@code outbox_seq}; the seqs ascend in the records' order. Its parameters start with {@code outbox_}.
     */
    public static String statementPart(String schema, String gate) {
        return OutboxTable.insertPart(schema, gate);
    }

    /**
     * Runs {@code statement}, one statement of the caller's that writes {@code records} to the outbox itself (with
     * {@link #statementPart}) and needs no transaction around it, being atomic by itself; once it completed,
     * publishes the records, as {@link #inTransaction} does after its commit. Completes with the statement's result
     * after publishing; fails, publishing nothing, if the statement fails.
     *
     * <p>Two such statements writing one key must not run at once: with the sole relay, a statement's records get in
     * line after it completed, not under the lock that ordered the writes, so their caller must run them one after
     * another per key (as the roomserver's input does per room). Writes of a key that may run side by side use
     * {@link #inTransaction}.
     */
    public <T> Mono<T> inStatement(List<OutboxRecord> records, Function<OutboxStatement, Mono<T>> statement) {
        return Mono.defer(() -> {
            OutboxWriter writer = new OutboxWriter(table);
            Mono<Optional<T>> run = Mono.defer(() -> statement.apply(new OutboxStatement(records, writer)))
                    .singleOptional();
            if (!soleRelay) {
                return run.flatMap(result -> publishCommitted(writer).thenReturn(result))
                        .flatMap(Mono::justOrEmpty);
            }
            AtomicBoolean completed = new AtomicBoolean();
            return run.flatMap(result -> {
                        completed.set(true);
                        return awaitPublished(getInLine(writer, COMMITTED)).thenReturn(result);
                    })
                    .doFinally(signal -> {
                        if (!completed.get()) {
                            // Failed or cancelled: the rows may or may not have been written, and if they were,
                            // the sweeper publishes them, so what the process writes of those keys later waits.
                            records.forEach(record -> claimed.add(record.key()));
                        }
                    })
                    .flatMap(Mono::justOrEmpty);
        });
    }

    private static final CompletableFuture<Boolean> COMMITTED = CompletableFuture.completedFuture(true);

    /** Completes once every commit in {@code inLine} is published, on a thread the caller may go on from. */
    private static Mono<Void> awaitPublished(List<CompletableFuture<Void>> inLine) {
        // The last publication completes on the bus producer's own thread, where the caller must not go on: a send
        // from there that waits for the topic's metadata waits for that very thread.
        return Mono.fromFuture(CompletableFuture.allOf(inLine.toArray(CompletableFuture[]::new)))
                .publishOn(Schedulers.boundedElastic());
    }

    /** Puts each key's records in line behind the key's earlier commits; the futures complete once published. */
    private List<CompletableFuture<Void>> getInLine(OutboxWriter writer, CompletableFuture<Boolean> committed) {
        List<CompletableFuture<Void>> inLine = new ArrayList<>();
        writer.written().forEach((key, written) -> {
            CompletableFuture<Void> turn = lines.compute(
                    key,
                    (k, last) -> (last == null ? DONE : last)
                            .thenCompose(previous -> committed)
                            .thenCompose(outcome -> relay(key, written, outcome).toFuture())
                            // A turn never fails (relay does not), so that a key's line never stops.
                            .exceptionally(e -> null));
            turn.whenComplete((done, failure) -> lines.remove(key, turn));
            inLine.add(turn);
        });
        return inLine;
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /**
     * Publishes a key's records of one transaction, whose turn it is, if it committed; never fails (what is not
     * published stays for the sweeper, and the key is claimed from then on).
     */
    private Mono<Void> relay(String key, OutboxWriter.Written written, boolean committed) {
        if (!committed) {
            claimed.add(key);
            return Mono.empty();
        }
        Mono<Void> publishing = Mono.defer(() -> !leftoversSwept || claimed.contains(key)
                ? publishKey(key, written.highestSeq()).then()
                : Flux.fromIterable(written.records())
                        .flatMapSequential(r -> publisher.publish(r.topic(), r.key(), r.payload()), IN_FLIGHT)
                        .then(Mono.fromRunnable(() -> published.addAll(written.seqs()))));
        return publishing.onErrorResume(e -> {
            claimed.add(key);
            log.warn(
                    "publishing {} outbox key {} after commit failed; the sweeper will retry: {}",
                    schema,
                    key,
                    e.toString());
            return Mono.empty();
        });
    }

    /**
     * Makes this the sole relay of its outbox: no other process writes or publishes its rows (see the class
     * comment). Call before {@link #start}, which sweeps what an earlier process left; until that sweep is done,
     * commits are published by claims.
     */
    public synchronized Outbox soleRelay() {
        if (sweeper != null) {
            throw new IllegalStateException("soleRelay() must be called before start()");
        }
        soleRelay = true;
        return this;
    }

    /** Whether commits are published from memory now: the sole relay, once it swept what an earlier process left. */
    public boolean relaysFromMemory() {
        return soleRelay && leftoversSwept;
    }

    /** Deletes the rows published by the sole relay so far; those it cannot delete are put back for the next time. */
    private Mono<Void> deletePublished() {
        return Mono.defer(() -> {
            List<Long> seqs = new ArrayList<>();
            for (Long seq = published.poll(); seq != null; seq = published.poll()) {
                seqs.add(seq);
            }
            if (seqs.isEmpty()) {
                return Mono.empty();
            }
            return table.delete(seqs).doOnError(e -> published.addAll(seqs));
        });
    }

    private Mono<Void> publishCommitted(OutboxWriter writer) {
        Map<String, OutboxWriter.Written> written = writer.written();
        return Flux.fromIterable(written.entrySet())
                .concatMap(key -> publishKey(key.getKey(), key.getValue().highestSeq()))
                .then()
                .onErrorResume(e -> {
                    log.warn(
                            "publishing {} outbox keys {} after commit failed; the sweeper will retry: {}",
                            schema,
                            written.keySet(),
                            e.toString());
                    return Mono.empty();
                });
    }

    /**
     * Publishes the rows of {@code key} up to {@code upTo}, oldest first, batch by batch, each batch in a transaction
     * that claims its rows. Emits how many rows were published (none when another claimant published them).
     */
    private Mono<Integer> publishKey(String key, long upTo) {
        return publishBatch(key, upTo)
                .expand(n -> n == batchSize ? publishBatch(key, upTo) : Mono.empty())
                .reduce(0, Integer::sum);
    }

    private Mono<Integer> publishBatch(String key, long upTo) {
        return transactions.transactional(table.claimKey(key, upTo, batchSize)
                .flatMap(rows -> Flux.fromIterable(rows)
                        // Sent in order, each without waiting for the previous acknowledgement.
                        .flatMapSequential(row -> publisher.publish(row.topic(), row.key(), row.payload()), IN_FLIGHT)
                        .then(Mono.just(rows.size()))));
    }

    /**
     * Publishes every row left unpublished (by a crash, or a broker failure after the commit), oldest key first. A key
     * another publisher is publishing is waited for; what that one published is not published again. Emits how many
     * rows this call published.
     */
    public Mono<Integer> sweep() {
        return sweep(Long.MAX_VALUE);
    }

    /** {@link #sweep} of the rows written before {@code createdBefore} (ms since the epoch). */
    private Mono<Integer> sweep(long createdBefore) {
        return sweepBatch(createdBefore)
                .expand(swept -> swept.full() && swept.published() > 0 ? sweepBatch(createdBefore) : Mono.empty())
                .map(Swept::published)
                .reduce(0, Integer::sum);
    }

    /**
     * What the sweeper does each time: a {@link #sweep}; with the sole relay, the published rows deleted first, then
     * the first time every row (what an earlier process left), after that only rows older than
     * {@link #SOLE_RELAY_GRACE}.
     */
    private Mono<Integer> sweepOnce() {
        if (!soleRelay) {
            return sweep();
        }
        if (!leftoversSwept) {
            return sweep().doOnSuccess(n -> leftoversSwept = true);
        }
        return deletePublished()
                .then(Mono.defer(() -> sweep(System.currentTimeMillis() - SOLE_RELAY_GRACE.toMillis())));
    }

    private record Swept(boolean full, int published) {}

    private Mono<Swept> sweepBatch(long createdBefore) {
        return table.selectOldest(batchSize, createdBefore).flatMap(rows -> {
            Map<String, Long> keys = new LinkedHashMap<>();
            rows.forEach(row -> keys.merge(row.key(), row.seq(), Math::max));
            return Flux.fromIterable(keys.entrySet())
                    .concatMap(key -> publishKey(key.getKey(), key.getValue()))
                    .reduce(0, Integer::sum)
                    .map(published -> new Swept(rows.size() == batchSize, published));
        });
    }

    /** How many rows wait to be published. */
    public Mono<Long> unpublished() {
        return table.count();
    }

    /** Starts the sweeper: a sweep at once (rows an earlier process left), then every {@code sweepInterval}. */
    public synchronized Outbox start() {
        if (sweeper == null) {
            sweeper = Flux.interval(Duration.ZERO, sweepInterval)
                    .onBackpressureDrop()
                    .concatMap(
                            tick -> sweepOnce().onErrorResume(e -> {
                                log.warn("{} outbox sweep failed, retrying: {}", schema, e.toString());
                                return Mono.just(0);
                            }),
                            1)
                    .subscribe();
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (sweeper != null) {
            sweeper.dispose();
            sweeper = null;
        }
        if (soleRelay) {
            // What stays is published again by the next process: a duplicate, not a loss.
            try {
                deletePublished().block(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("{} outbox: published rows not deleted at close: {}", schema, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "Outbox[" + schema + "]";
    }
}
