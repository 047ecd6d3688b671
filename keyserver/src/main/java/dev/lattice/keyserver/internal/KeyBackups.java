package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.storage.BackupKey;
import dev.lattice.keyserver.storage.BackupVersion;
import dev.lattice.keyserver.storage.KeyBackupDatabase;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * Server-side key backup ({@code /room_keys/**}): versions ({@code m.megolm_backup.v1.curve25519-aes-sha2} or any
 * algorithm the client names; the server never reads the keys) and the Megolm session keys in them, the better key
 * winning per session. Errors as the spec and Synapse give them: an unknown or deleted version 404
 * {@code M_NOT_FOUND}; keys sent to a version that is not the current one 403 {@code M_WRONG_ROOM_KEYS_VERSION} with
 * {@code current_version}; a malformed body 400 {@code M_BAD_JSON} (a missing field {@code M_MISSING_PARAM}), a
 * {@code version} that differs from the path's 400 {@code M_INVALID_PARAM}. Nothing is stored on any error.
 */
public final class KeyBackups {
    /** The most session keys one request may carry (the spec's upload is per room, Synapse's limit is similar). */
    static final int MAX_KEYS_PER_REQUEST = 10_000;

    private final KeyBackupDatabase database;

    public KeyBackups(KeyBackupDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** {@code POST /room_keys/version}: {@code {"version": "<n>"}}. */
    public Mono<JsonObject> createVersion(UserId user, JsonObject body) {
        String algorithm = requiredString(body, "algorithm");
        JsonObject authData = requiredObject(body, "auth_data");
        return database.createVersion(user, algorithm, CanonicalJson.encodeToString(authData))
                .map(version -> JsonObject.EMPTY.with("version", JsonString.of(Long.toString(version))));
    }

    /** {@code GET /room_keys/version[/{version}]}: the current version, or the given one. */
    public Mono<JsonObject> getVersion(UserId user, Optional<String> version) {
        Mono<Optional<BackupVersion>> found = version.isEmpty()
                ? database.currentVersion(user)
                : database.version(user, versionNumber(version.get()));
        return found.map(v -> v.map(KeyBackups::versionJson)
                .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "No such backup version")));
    }

    /** {@code PUT /room_keys/version/{version}}: only {@code auth_data} changes; the algorithm must stay. */
    public Mono<JsonObject> updateVersion(UserId user, String version, JsonObject body) {
        long number = versionNumber(version);
        String algorithm = requiredString(body, "algorithm");
        JsonObject authData = requiredObject(body, "auth_data");
        Optional<CanonicalJsonValue> given = body.get("version");
        if (given.isPresent() && !given.get().equals(JsonString.of(version))) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "version does not match the path");
        }
        return database.version(user, number).flatMap(found -> {
            BackupVersion current =
                    found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "No such backup version"));
            if (!current.algorithm().equals(algorithm)) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "algorithm cannot be changed");
            }
            return database.updateVersion(user, number, CanonicalJson.encodeToString(authData))
                    .thenReturn(JsonObject.EMPTY);
        });
    }

    /** {@code DELETE /room_keys/version/{version}}: the version and its keys. */
    public Mono<JsonObject> deleteVersion(UserId user, String version) {
        return database.deleteVersion(user, versionNumber(version)).map(deleted -> {
            if (!deleted) {
                throw new MatrixException(ErrorCode.NOT_FOUND, "No such backup version");
            }
            return JsonObject.EMPTY;
        });
    }

    /**
     * {@code PUT /room_keys/keys[/{roomId}[/{sessionId}]]}: the body is {@code {"rooms": ...}}, a room's
     * {@code {"sessions": ...}}, or one {@code KeyBackupData}; answers {@code etag} and {@code count}.
     */
    public Mono<JsonObject> putKeys(
            UserId user,
            Optional<String> version,
            Optional<String> roomId,
            Optional<String> sessionId,
            JsonObject body) {
        long number = versionNumber(
                version.orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "version is required")));
        List<BackupKey> keys = new ArrayList<>();
        if (roomId.isPresent() && sessionId.isPresent()) {
            keys.add(key(room(roomId.get()), sessionId.get(), body));
        } else if (roomId.isPresent()) {
            addSessions(keys, room(roomId.get()), requiredObject(body, "sessions"));
        } else {
            requiredObject(body, "rooms")
                    .members()
                    .forEach((room, value) ->
                            addSessions(keys, room(room), requiredObject(object(value, "rooms." + room), "sessions")));
        }
        if (keys.size() > MAX_KEYS_PER_REQUEST) {
            throw new MatrixException(ErrorCode.TOO_LARGE, "At most " + MAX_KEYS_PER_REQUEST + " keys per request");
        }
        return database.putKeys(user, number, keys).flatMap(stored -> {
            if (stored.isPresent()) {
                return Mono.just(etagAndCount(stored.get()));
            }
            return database.currentVersion(user).map(current -> {
                if (current.isEmpty()) {
                    throw new MatrixException(ErrorCode.NOT_FOUND, "No current backup version");
                }
                throw new MatrixException(ErrorCode.WRONG_ROOM_KEYS_VERSION, "Wrong backup version")
                        .withField(
                                "current_version",
                                JsonString.of(Long.toString(current.get().version())));
            });
        });
    }

    /** {@code GET /room_keys/keys[/{roomId}[/{sessionId}]]}. */
    public Mono<JsonObject> getKeys(
            UserId user, Optional<String> version, Optional<String> roomId, Optional<String> sessionId) {
        long number = versionNumber(
                version.orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "version is required")));
        return database.version(user, number).flatMap(found -> {
            if (found.isEmpty()) {
                return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "No such backup version"));
            }
            return database.keys(user, number, roomId, sessionId).map(keys -> {
                if (sessionId.isPresent()) {
                    return keys.stream()
                            .findFirst()
                            .map(KeyBackups::keyJson)
                            .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "No such session key"));
                }
                Map<String, Map<String, CanonicalJsonValue>> rooms = new TreeMap<>();
                for (var key : keys) {
                    rooms.computeIfAbsent(key.roomId(), r -> new TreeMap<>()).put(key.sessionId(), keyJson(key));
                }
                if (roomId.isPresent()) {
                    return sessions(rooms.getOrDefault(roomId.get(), Map.of()));
                }
                Map<String, CanonicalJsonValue> out = new TreeMap<>();
                rooms.forEach((room, sessions) -> out.put(room, sessions(sessions)));
                return JsonObject.EMPTY.with("rooms", JsonObject.of(out));
            });
        });
    }

    /** {@code DELETE /room_keys/keys[/{roomId}[/{sessionId}]]}: answers {@code etag} and {@code count}. */
    public Mono<JsonObject> deleteKeys(
            UserId user, Optional<String> version, Optional<String> roomId, Optional<String> sessionId) {
        long number = versionNumber(
                version.orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "version is required")));
        return database.deleteKeys(user, number, roomId, sessionId)
                .map(found -> found.map(KeyBackups::etagAndCount)
                        .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "No such backup version")));
    }

    private static void addSessions(List<BackupKey> keys, String roomId, JsonObject sessions) {
        sessions.members()
                .forEach((session, value) -> keys.add(key(roomId, session, object(value, "sessions." + session))));
    }

    private static BackupKey key(String roomId, String sessionId, JsonObject data) {
        return new BackupKey(
                roomId,
                sessionId,
                nonNegative(data, "first_message_index"),
                nonNegative(data, "forwarded_count"),
                switch (data.get("is_verified").orElse(null)) {
                    case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "is_verified is required");
                    case JsonBool value -> value.value();
                    default -> throw new MatrixException(ErrorCode.BAD_JSON, "is_verified must be a boolean");
                },
                CanonicalJson.encodeToString(requiredObject(data, "session_data")));
    }

    private static JsonObject keyJson(BackupKey key) {
        return new JsonObjectBuilder()
                .put("first_message_index", key.firstMessageIndex())
                .put("forwarded_count", key.forwardedCount())
                .put("is_verified", key.verified())
                .put("session_data", CanonicalJson.parseObject(key.sessionDataJson()))
                .build();
    }

    private static JsonObject sessions(Map<String, CanonicalJsonValue> sessions) {
        return JsonObject.EMPTY.with("sessions", JsonObject.of(sessions));
    }

    private static JsonObject versionJson(BackupVersion version) {
        return etagAndCount(version)
                .with("version", JsonString.of(Long.toString(version.version())))
                .with("algorithm", JsonString.of(version.algorithm()))
                .with("auth_data", CanonicalJson.parseObject(version.authDataJson()));
    }

    private static JsonObject etagAndCount(BackupVersion version) {
        return new JsonObjectBuilder()
                .put("etag", Long.toString(version.etag()))
                .put("count", version.count())
                .build();
    }

    /** A version path or query value: the decimal this server hands out, else no such version. */
    private static long versionNumber(String version) {
        try {
            long number = Long.parseLong(version);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException notOurs) {
            // falls through
        }
        throw new MatrixException(ErrorCode.NOT_FOUND, "No such backup version");
    }

    private static String room(String roomId) {
        try {
            return RoomId.parse(roomId).toString();
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room ID: " + roomId);
        }
    }

    private static String requiredString(JsonObject body, String key) {
        return switch (body.get(key).orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, key + " is required");
            case JsonString value -> value.value();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, key + " must be a string");
        };
    }

    private static JsonObject requiredObject(JsonObject body, String key) {
        return switch (body.get(key).orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, key + " is required");
            case JsonObject value -> value;
            default -> throw new MatrixException(ErrorCode.BAD_JSON, key + " must be an object");
        };
    }

    private static JsonObject object(CanonicalJsonValue value, String where) {
        if (value instanceof JsonObject object) {
            return object;
        }
        throw new MatrixException(ErrorCode.BAD_JSON, where + " must be an object");
    }

    private static long nonNegative(JsonObject data, String key) {
        return switch (data.get(key).orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, key + " is required");
            case JsonInteger value when value.value() >= 0 -> value.value();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, key + " must be a non-negative integer");
        };
    }
}
