/**
 * The roomserver's operations behind {@link dev.lattice.roomserver.internal.RoomserverInternalApi}, the facade
 * that implements the {@code common/api} roomserver interfaces: {@code input} (the PDU pipeline and the wait for
 * verdicts) and {@code query} (reads, history visibility).
 */
package dev.lattice.roomserver.internal;
