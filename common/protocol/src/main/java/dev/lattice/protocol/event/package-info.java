/**
 * Room events (PDUs) per room-version format: {@link dev.lattice.protocol.event.Pdu} (parsing and format checks
 * with the original bytes kept), {@link dev.lattice.protocol.event.EventHashing} (content and reference hashes, event
 * IDs), {@link dev.lattice.protocol.event.Redaction}, {@link dev.lattice.protocol.event.EventSigning} and
 * {@link dev.lattice.protocol.event.EventBuilder}; and the two rules every service that serves events to clients
 * applies: {@link dev.lattice.protocol.event.ClientEventFormat} and {@link dev.lattice.protocol.event.HistoryVisibility}.
 * All pure functions of the room version's rules and their inputs.
 */
package dev.lattice.protocol.event;
