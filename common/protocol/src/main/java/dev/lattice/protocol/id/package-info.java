/**
 * Matrix identifiers as validated value records: {@link dev.lattice.protocol.id.UserId},
 * {@link dev.lattice.protocol.id.RoomId}, {@link dev.lattice.protocol.id.EventId},
 * {@link dev.lattice.protocol.id.RoomAliasId}, {@link dev.lattice.protocol.id.ServerName},
 * {@link dev.lattice.protocol.id.DeviceId} and {@link dev.lattice.protocol.id.KeyId}. Each validates in its
 * constructor and (de)serialises as a plain JSON string. Grammar and failure reasons live in
 * {@link dev.lattice.protocol.id.IdValidation}.
 */
package dev.lattice.protocol.id;
