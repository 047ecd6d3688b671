/**
 * Room versions 1–12 as one {@link dev.lattice.protocol.version.RoomVersionRules} each, looked up by
 * {@link dev.lattice.protocol.version.RoomVersionId} through {@link dev.lattice.protocol.version.RoomVersions};
 * unknown versions are reported, never guessed.
 */
package dev.lattice.protocol.version;
