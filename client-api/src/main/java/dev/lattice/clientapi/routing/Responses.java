package dev.lattice.clientapi.routing;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.lattice.clientapi.internal.UiaResult;
import dev.lattice.runtime.http.JsonBodies;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Encoding and decoding the client-api's handlers share. */
final class Responses {

    /** 200 with {@code body} as JSON. */
    static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** 200 with JSON text exactly as stored. */
    static Mono<ServerResponse> okRaw(String json) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json.getBytes(UTF_8));
    }

    /** 200 with the operation's result, or the 401 user-interactive authentication challenge. */
    static Mono<ServerResponse> uia(UiaResult<?> result) {
        return switch (result) {
            case UiaResult.Done<?> done -> ok(done.value());
            case UiaResult.Challenge<?> challenge ->
                ServerResponse.status(401)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(challenge.body());
        };
    }

    /** The body as {@code type}, or {@code empty} when the request has no body (a first UIA attempt may not). */
    static <T> Mono<T> optionalBody(JsonBodies bodies, ServerRequest request, Class<T> type, T empty) {
        return request.bodyToMono(byte[].class)
                .filter(bytes -> bytes.length > 0)
                .map(bytes -> bodies.decode(bytes, type))
                .defaultIfEmpty(empty);
    }

    /** The client's IP address, the key of rate limits. Proxies' forwarding headers are not trusted. */
    static String clientIp(ServerRequest request) {
        return request.remoteAddress()
                .map(address ->
                        address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString())
                .orElse(null);
    }

    static Optional<String> query(ServerRequest request, String name) {
        return request.queryParam(name);
    }

    private Responses() {}
}
