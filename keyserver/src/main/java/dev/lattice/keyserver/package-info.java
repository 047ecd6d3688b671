/**
 * End-to-end encryption keys: device, one-time, fallback and cross-signing keys, key backups, device lists.
 */
package dev.lattice.keyserver;
