/**
 * The S3-compatible {@link dev.lattice.mediaapi.storage.MediaStore}: {@link dev.lattice.mediaapi.storage.s3.S3MediaStore}
 * and its request signing, {@link dev.lattice.mediaapi.storage.s3.SigV4}.
 */
package dev.lattice.mediaapi.storage.s3;
