package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * {@code /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device/{deviceId}/events} (MSC3814): the
 * to-device messages waiting for the user's dehydrated device, which a device that rehydrates it reads in batches of
 * {@value #LIMIT}. {@code next_batch} ({@code d<position>}) is given only while more wait, as Synapse does (the
 * js-sdk reads until it is absent); passing it back deletes what was read.
 */
public final class DehydratedDeviceEvents {
    static final int LIMIT = 100;

    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;

    public DehydratedDeviceEvents(SyncApiDatabase database, Supplier<UserApi> users) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
    }

    /**
     * @param from the previous answer's {@code next_batch}; 400 {@code M_INVALID_PARAM} if it is not one
     * @return 403 {@code M_FORBIDDEN} unless {@code deviceId} is the caller's dehydrated device
     */
    public Mono<JsonObject> events(AuthenticatedDevice caller, String deviceId, Optional<String> from) {
        return Mono.fromCallable(
                        () -> from.map(DehydratedDeviceEvents::position).orElse(0L))
                .flatMap(since -> users.get()
                        .queryDehydratedDevice(caller.userId())
                        .flatMap(dehydrated -> {
                            if (!dehydrated.map(DeviceId::value).equals(Optional.of(deviceId))) {
                                return Mono.error(new MatrixException(
                                        ErrorCode.FORBIDDEN, "You may only fetch messages for your dehydrated device"));
                            }
                            String user = caller.userId().value();
                            return database.acknowledgeToDevice(user, deviceId, since)
                                    .then(database.currentToDevicePosition())
                                    .flatMap(to -> database.toDeviceMessages(user, deviceId, since, to, LIMIT))
                                    .map(messages -> {
                                        JsonObject answer =
                                                JsonObject.EMPTY.with("events", ToDeviceStream.events(messages));
                                        return messages.size() < LIMIT
                                                ? answer
                                                : answer.with(
                                                        "next_batch",
                                                        JsonString.of("d"
                                                                + messages.getLast()
                                                                        .position()));
                                    });
                        }));
    }

    private static long position(String token) {
        try {
            if (token.startsWith("d")) {
                long position = Long.parseLong(token.substring(1));
                if (position >= 0) {
                    return position;
                }
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid next_batch " + token);
    }
}
