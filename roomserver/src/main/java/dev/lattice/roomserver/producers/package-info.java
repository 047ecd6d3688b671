/**
 * What the roomserver publishes: {@code roomserver.output} through the transactional outbox
 * ({@link dev.lattice.roomserver.producers.OutputRelay}), and verdicts on {@code roomserver.verdicts}.
 */
package dev.lattice.roomserver.producers;
