package dev.lattice.syncapi.storage;

/**
 * The newest position of every stream {@code /sync} keeps in the database, read together
 * ({@link SyncApiDatabase#storedPositions}): one statement where each stream's own read would be one each, and a
 * {@code /sync} attempt needs all of them.
 *
 * @param events the room events stream ({@link SyncApiDatabase#currentPosition})
 * @param accountData the account data stream
 * @param toDevice the to-device stream
 * @param receipts the receipts stream
 * @param deviceLists the device list changes stream
 * @param presence the presence stream
 */
public record StoredPositions(
        long events, long accountData, long toDevice, long receipts, long deviceLists, long presence) {}
