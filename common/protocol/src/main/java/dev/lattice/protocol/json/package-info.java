/**
 * Matrix canonical JSON: the value model ({@link dev.lattice.protocol.json.CanonicalJsonValue}), a strict parser and
 * the byte-exact canonical encoder. Everything that hashes or signs goes through this package.
 */
package dev.lattice.protocol.json;
