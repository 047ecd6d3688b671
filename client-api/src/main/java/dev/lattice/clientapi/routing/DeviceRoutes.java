package dev.lattice.clientapi.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.clientapi.internal.AuthData;
import dev.lattice.clientapi.internal.DehydratedDevices;
import dev.lattice.clientapi.internal.DeviceManagement;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Device management; all need an access token, deletion also a password.
 * <ul>
 *   <li>{@code GET /_matrix/client/v3/devices} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3devices">spec</a></li>
 *   <li>{@code GET/PUT/DELETE /_matrix/client/v3/devices/{deviceId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3devicesdeviceid">spec</a></li>
 *   <li>{@code PUT/GET/DELETE /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device} — MSC3814</li>
 *   <li>{@code POST /_matrix/client/v3/delete_devices} — <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3delete_devices">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class DeviceRoutes {

    /** The body of {@code PUT /devices/{deviceId}}. */
    record DeviceUpdate(@JsonProperty("display_name") String displayName) {}

    /** The body of {@code DELETE /devices/{deviceId}}. */
    record DeleteDevice(@JsonProperty("auth") AuthData auth) {}

    /** The body of {@code POST /delete_devices}. */
    record DeleteDevices(
            @JsonProperty("devices") List<String> devices,
            @JsonProperty("auth") AuthData auth) {}

    /** MSC3814's unstable prefix, as Element and the js-sdk call it. */
    private static final String DEHYDRATED_DEVICE = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device";

    /** {@code PUT/GET/DELETE /dehydrated_device} (MSC3814). */
    @Bean
    RouterFunction<ServerResponse> dehydratedDeviceRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, DehydratedDevices dehydrated) {
        return router.builder()
                .PUT(
                        DEHYDRATED_DEVICE,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObject(request)
                                        .flatMap(body -> dehydrated.put(device, body)))
                                .flatMap(answer -> Responses.okRaw(CanonicalJson.encodeToString(answer))))
                .GET(
                        DEHYDRATED_DEVICE,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(dehydrated::get)
                                .flatMap(answer -> Responses.okRaw(CanonicalJson.encodeToString(answer))))
                .DELETE(
                        DEHYDRATED_DEVICE,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(dehydrated::delete)
                                .flatMap(answer -> Responses.okRaw(CanonicalJson.encodeToString(answer))))
                .build();
    }

    @Bean
    RouterFunction<ServerResponse> deviceRouter(
            MatrixRouter router, JsonBodies bodies, AccessTokens accessTokens, DeviceManagement devices) {
        return router.builder()
                .GET(
                        "/_matrix/client/v3/devices",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(devices::devices)
                                .flatMap(Responses::ok))
                .GET(
                        "/_matrix/client/v3/devices/{deviceId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> devices.device(device, request.pathVariable("deviceId")))
                                .flatMap(Responses::ok))
                .PUT(
                        "/_matrix/client/v3/devices/{deviceId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.read(request, DeviceUpdate.class)
                                        .flatMap(body -> devices.rename(
                                                device, request.pathVariable("deviceId"), body.displayName())))
                                .flatMap(Responses::ok))
                .DELETE(
                        "/_matrix/client/v3/devices/{deviceId}",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> Responses.optionalBody(
                                                bodies, request, DeleteDevice.class, new DeleteDevice(null))
                                        .flatMap(body ->
                                                devices.delete(device, request.pathVariable("deviceId"), body.auth())))
                                .flatMap(Responses::uia))
                .POST(
                        "/_matrix/client/v3/delete_devices",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.read(request, DeleteDevices.class)
                                        .flatMap(body -> devices.deleteMany(device, body.devices(), body.auth())))
                                .flatMap(Responses::uia))
                .build();
    }
}
