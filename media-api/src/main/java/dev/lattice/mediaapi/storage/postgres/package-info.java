/** {@link dev.lattice.mediaapi.storage.MediaApiDatabase} on PostgreSQL: one class per table of schema {@code mediaapi}. */
package dev.lattice.mediaapi.storage.postgres;
