/**
 * Room events (PDUs) per room-version format: {@link dev.lattice.protocol.event.Pdu} (parsing and format checks
 * with the original bytes kept), {@link dev.lattice.protocol.event.EventHashing} (content and reference hashes, event
 * IDs), {@link dev.lattice.protocol.event.Redaction}, {@link dev.lattice.protocol.event.EventSigning} and
 * {@link dev.lattice.protocol.event.EventBuilder}. All pure functions of the room version's rules and their inputs.
 */
package dev.lattice.protocol.event;
