/**
 * Room events (PDUs) per room-version format: parsing with the original bytes kept, content and reference hashes,
 * event IDs, redaction, and building and signing new events.
 */
package dev.lattice.protocol.event;
