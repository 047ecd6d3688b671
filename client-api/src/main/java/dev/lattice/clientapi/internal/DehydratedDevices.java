package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.keyserver.DeviceKeysUploadApi;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Dehydrated devices (MSC3814, {@code /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device}): a device
 * without tokens whose Olm account the client keeps encrypted here, so messages sent while every device of the user is
 * offline are encrypted for it and can be read by the next device that rehydrates it. One per user; a new one replaces
 * (and deletes) the previous one. Its keys go to the keyserver as if the device had uploaded them; its to-device
 * messages wait in the syncapi's inbox, which serves {@code /dehydrated_device/{deviceId}/events}.
 */
public final class DehydratedDevices {
    private final ClientApiDatabase database;
    private final Supplier<DeviceKeysUploadApi> keyserver;
    private final Clock clock;

    public DehydratedDevices(ClientApiDatabase database, Supplier<DeviceKeysUploadApi> keyserver, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.keyserver = requireNonNull(keyserver, "keyserver is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code PUT /dehydrated_device}: the keys are checked and stored first (a bad key stores nothing), then the device
     * replaces the previous dehydrated device. A device ID that names another of the user's devices is refused: those
     * have tokens, and their keys are theirs to upload.
     */
    public Mono<JsonObject> put(AuthenticatedDevice caller, JsonObject body) {
        return Mono.fromCallable(() -> Put.of(body)).flatMap(put -> {
            String localpart = caller.userId().localpart();
            Mono<Boolean> taken = database.device(localpart, put.deviceId().value())
                    .flatMap(existing -> database.dehydratedDevice(localpart)
                            .map(dehydrated -> !dehydrated.deviceId().equals(existing.deviceId()))
                            .defaultIfEmpty(true))
                    .defaultIfEmpty(false);
            return taken.flatMap(inUse -> inUse
                            ? Mono.error(new MatrixException(
                                    ErrorCode.INVALID_PARAM, "The device ID is in use by another device"))
                            : keyserver.get().uploadDeviceKeys(caller.userId(), put.deviceId(), body))
                    .then(database.replaceDehydratedDevice(
                            localpart,
                            put.deviceId().value(),
                            put.displayName().orElse(null),
                            CanonicalJson.encodeToString(put.deviceData()),
                            clock.millis()))
                    .thenReturn(JsonObject.EMPTY.with(
                            "device_id", JsonString.of(put.deviceId().value())));
        });
    }

    /** {@code GET /dehydrated_device}: its ID and data; 404 {@code M_NOT_FOUND} when the user has none. */
    public Mono<JsonObject> get(AuthenticatedDevice caller) {
        return database.dehydratedDevice(caller.userId().localpart())
                .map(device -> JsonObject.EMPTY
                        .with("device_id", JsonString.of(device.deviceId()))
                        .with("device_data", CanonicalJson.parse(device.deviceDataJson())))
                .switchIfEmpty(Mono.error(notFound()));
    }

    /** {@code DELETE /dehydrated_device}: deletes it with its keys and messages; 404 when there is none. */
    public Mono<JsonObject> delete(AuthenticatedDevice caller) {
        return database.deleteDehydratedDevice(caller.userId().localpart())
                .map(deviceId -> JsonObject.EMPTY.with("device_id", JsonString.of(deviceId)))
                .switchIfEmpty(Mono.error(notFound()));
    }

    private static MatrixException notFound() {
        return new MatrixException(ErrorCode.NOT_FOUND, "No dehydrated device");
    }

    /** The checked body of {@code PUT /dehydrated_device}. */
    record Put(DeviceId deviceId, JsonObject deviceData, Optional<String> displayName) {
        static Put of(JsonObject body) {
            String id = body.getString("device_id")
                    .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "device_id is required"));
            DeviceId deviceId;
            try {
                deviceId = DeviceId.parse(id);
            } catch (InvalidIdException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid device_id");
            }
            JsonObject data = object(body, "device_data");
            object(body, "device_keys");
            Optional<CanonicalJsonValue> name = body.get("initial_device_display_name");
            if (name.isPresent() && !(name.get() instanceof JsonString)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "initial_device_display_name must be a string");
            }
            return new Put(deviceId, data, name.map(value -> ((JsonString) value).value()));
        }

        private static JsonObject object(JsonObject body, String field) {
            CanonicalJsonValue value = body.get(field)
                    .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, field + " is required"));
            if (!(value instanceof JsonObject object)) {
                throw new MatrixException(ErrorCode.BAD_JSON, field + " must be an object");
            }
            return object;
        }
    }
}
