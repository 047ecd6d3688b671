/**
 * The roomserver's storage: {@link dev.lattice.roomserver.storage.RoomserverDatabase} for everything that spans
 * tables (storing an event is one transaction over seven, or one statement for a message), one class per table in {@code postgres}. The design is in
 * the module's README.
 */
package dev.lattice.roomserver.storage;
