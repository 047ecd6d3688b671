/**
 * The transactional outbox: how a service publishes what it just wrote. A record is written as a row of the service's
 * {@code <schema>.outbox} table in the same transaction as the data it announces, and published to the bus only after
 * that transaction committed, by the code path that committed it; a sweeper publishes rows a crash left behind.
 * So every committed write is announced (at least once) and nothing is announced that did not commit.
 *
 * <pre>{@code
 * Outbox outbox = new Outbox(client, transactions, "clientapi", bus::publish, Duration.ofSeconds(1), 100).start();
 * outbox.inTransaction(writer -> table.upsert(row)
 *         .flatMap(streamId -> writer.enqueue(Topics.CLIENTAPI_OUTPUT, userId, payload(streamId))));
 * }</pre>
 */
package dev.lattice.runtime.outbox;
