package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.producers.ClientApiOutputProducer;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.IdValidation;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * Global and per-room account data. Each write is announced on {@code clientapi.output} through the outbox: the
 * record is written in the write's transaction and published after it committed, so no committed write goes
 * unannounced and no record announces a write a reader cannot see yet.
 */
public final class AccountData {
    /** Types the server controls, refused through this API with {@code 405 M_BAD_JSON}. */
    static final Set<String> SERVER_CONTROLLED = Set.of("m.fully_read", "m.push_rules");

    private final ClientApiDatabase database;

    public AccountData(ClientApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /**
     * {@code PUT /user/{userId}/account_data/{type}} and {@code .../rooms/{roomId}/account_data/{type}}.
     *
     * @param roomId null for global account data
     */
    public Mono<Map<String, Object>> put(
            AuthenticatedDevice requester, String userId, String roomId, String type, ObjectNode content) {
        return Mono.defer(() -> {
            String localpart = Users.requireSelf(requester, userId, "add account data");
            Optional<RoomId> room = room(roomId);
            checkType(type);
            if (SERVER_CONTROLLED.contains(type)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "Cannot set " + type + " through this API")
                        .withHttpStatus(405);
            }
            return database.putAccountData(
                            localpart,
                            room.map(RoomId::toString).orElse(""),
                            type,
                            content.toString(),
                            (writer, streamId) -> ClientApiOutputProducer.enqueue(
                                    writer, AccountDataChanged.of(requester.userId(), room, type, streamId)))
                    .thenReturn(Map.of());
        });
    }

    /** The GET counterpart: the content as JSON text, or {@code 404 M_NOT_FOUND}. */
    public Mono<String> get(AuthenticatedDevice requester, String userId, String roomId, String type) {
        return Mono.defer(() -> {
            String localpart = Users.requireSelf(requester, userId, "get account data");
            Optional<RoomId> room = room(roomId);
            checkType(type);
            return database.accountData(localpart, room.map(RoomId::toString).orElse(""), type)
                    .switchIfEmpty(Mono.error(
                            () -> new MatrixException(ErrorCode.NOT_FOUND, "No account data of type " + type)));
        });
    }

    private static Optional<RoomId> room(String roomId) {
        if (roomId == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RoomId.parse(roomId));
        } catch (InvalidIdException invalid) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room ID: " + invalid.getMessage());
        }
    }

    private static void checkType(String type) {
        if (type.isEmpty() || IdValidation.utf8Length(type) > IdValidation.MAX_BYTES) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Account data type must be 1 to 255 bytes");
        }
    }
}
