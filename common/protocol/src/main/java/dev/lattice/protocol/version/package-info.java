/**
 * Room versions 1–12 as one rules object each; unknown versions are reported, never guessed.
 */
package dev.lattice.protocol.version;
