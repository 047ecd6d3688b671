/**
 * The content repository's operations: uploads ({@link dev.lattice.mediaapi.internal.Uploads}), downloads
 * ({@link dev.lattice.mediaapi.internal.Downloads}) and thumbnails ({@link dev.lattice.mediaapi.internal.Thumbnails}).
 */
package dev.lattice.mediaapi.internal;
