package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
            // The records are written after the work, in one statement, still inside its transaction.
            return transactions
                    .transactional(Mono.defer(() -> work.apply(writer))
                            .singleOptional()
                            .flatMap(result -> writer.flush().thenReturn(result)))
                    .flatMap(result -> publishCommitted(writer).thenReturn(result))
                    .flatMap(Mono::justOrEmpty);
        });
    }

    private Mono<Void> publishCommitted(OutboxWriter writer) {
        Map<String, Long> written = writer.written();
        return Flux.fromIterable(written.entrySet())
                .concatMap(key -> publishKey(key.getKey(), key.getValue()))
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
        return sweepBatch()
                .expand(swept -> swept.full() && swept.published() > 0 ? sweepBatch() : Mono.empty())
                .map(Swept::published)
                .reduce(0, Integer::sum);
    }

    private record Swept(boolean full, int published) {}

    private Mono<Swept> sweepBatch() {
        return table.selectOldest(batchSize).flatMap(rows -> {
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
                            tick -> sweep().onErrorResume(e -> {
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
    }

    @Override
    public String toString() {
        return "Outbox[" + schema + "]";
    }
}
