package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import reactor.core.publisher.Mono;

/** {@code /devices} and {@code /delete_devices}: listing, renaming and (with a password) deleting devices. */
public final class DeviceManagement {
    private final ClientApiDatabase database;
    private final UserInteractiveAuth uia;

    public DeviceManagement(ClientApiDatabase database, UserInteractiveAuth uia) {
        this.database = requireNonNull(database, "database is null");
        this.uia = requireNonNull(uia, "uia is null");
    }

    /** {@code GET /devices}. */
    public Mono<Map<String, List<DeviceView>>> devices(AuthenticatedDevice requester) {
        return database.devices(requester.userId().localpart())
                .map(DeviceView::of)
                .collectList()
                .map(devices -> Map.of("devices", devices));
    }

    /** {@code GET /devices/{deviceId}}; {@code 404 M_NOT_FOUND} for a device the user does not have. */
    public Mono<DeviceView> device(AuthenticatedDevice requester, String deviceId) {
        return database.device(requester.userId().localpart(), deviceId)
                .map(DeviceView::of)
                .switchIfEmpty(Mono.error(() -> notFound()));
    }

    /** {@code PUT /devices/{deviceId}}; only the display name can change. */
    public Mono<Map<String, Object>> rename(AuthenticatedDevice requester, String deviceId, String displayName) {
        return database.renameDevice(requester.userId().localpart(), deviceId, displayName)
                .flatMap(renamed -> renamed ? Mono.just(Map.<String, Object>of()) : Mono.error(notFound()));
    }

    /** {@code DELETE /devices/{deviceId}}, after {@code m.login.password}; an unknown device is no error. */
    public Mono<UiaResult<Map<String, Object>>> delete(AuthenticatedDevice requester, String deviceId, AuthData auth) {
        return deleteAll(requester, List.of(deviceId), auth, "DELETE /devices/" + deviceId);
    }

    /** {@code POST /delete_devices}, after {@code m.login.password}. */
    public Mono<UiaResult<Map<String, Object>>> deleteMany(
            AuthenticatedDevice requester, List<String> deviceIds, AuthData auth) {
        if (deviceIds == null) {
            return Mono.error(new MatrixException(ErrorCode.MISSING_PARAM, "devices is required"));
        }
        // The session authorises deleting exactly this set of devices.
        return deleteAll(
                requester, deviceIds, auth, "POST /delete_devices " + String.join(",", new TreeSet<>(deviceIds)));
    }

    private Mono<UiaResult<Map<String, Object>>> deleteAll(
            AuthenticatedDevice requester, List<String> deviceIds, AuthData auth, String operation) {
        String localpart = requester.userId().localpart();
        return uia.authenticate(
                operation,
                localpart,
                auth,
                UiaFlows.of(UiaFlows.PASSWORD),
                () -> database.deleteDevices(localpart, deviceIds.toArray(String[]::new))
                        .thenReturn(Map.<String, Object>of()));
    }

    private static MatrixException notFound() {
        return new MatrixException(ErrorCode.NOT_FOUND, "Unknown device");
    }
}
