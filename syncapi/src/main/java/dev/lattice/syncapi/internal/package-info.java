/**
 * The read model's logic: {@code /sync} ({@link dev.lattice.syncapi.internal.Syncer}), {@code /messages}
 * ({@link dev.lattice.syncapi.internal.RoomMessages}), history visibility, the client event format, filters, stream
 * tokens and the long-poll notifier. Pure where it can be; storage through
 * {@link dev.lattice.syncapi.storage.SyncApiDatabase}.
 */
package dev.lattice.syncapi.internal;
