/**
 * Cryptography for the protocol: unpadded base64, SHA-256, Ed25519 signing and verify keys (BouncyCastle's
 * lightweight API, the only package allowed to import it), and signing and verifying JSON objects.
 */
package dev.lattice.protocol.crypto;
