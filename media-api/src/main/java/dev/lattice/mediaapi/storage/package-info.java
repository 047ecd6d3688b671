/**
 * Where media lives: the bytes behind a {@link dev.lattice.mediaapi.storage.MediaStore} (content-addressed by SHA-256)
 * and the metadata behind {@link dev.lattice.mediaapi.storage.MediaApiDatabase} (PostgreSQL schema {@code mediaapi}).
 */
package dev.lattice.mediaapi.storage;
