/**
 * What the roomserver publishes: {@code roomserver.output} through common/runtime's transactional outbox
 * ({@link dev.lattice.runtime.outbox.Outbox}, written and published by {@code RoomserverDatabase#store}), and verdicts on {@code roomserver.verdicts}.
 */
package dev.lattice.roomserver.producers;
