package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.Pusher;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonNull;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * {@code GET /pushers} and {@code POST /pushers/set}: a user's pushers, which the syncapi pushes notifications to
 * (through {@code UserApi.queryPushers}). Only {@code http} pushers (the Push Gateway API); {@code kind: null}
 * deletes. Checked, 400 with nothing stored: required fields ({@code M_MISSING_PARAM}), their types
 * ({@code M_BAD_JSON}), the spec's lengths ({@code app_id} ≤ 64, {@code pushkey} ≤ 512 bytes), another kind, and an
 * http pusher's {@code data.url} (an {@code http(s)} URL whose path is {@code /_matrix/push/v1/notify}, as Synapse
 * demands; {@code M_INVALID_PARAM}).
 */
public final class Pushers {
    private static final String NOTIFY_PATH = "/_matrix/push/v1/notify";

    private final ClientApiDatabase database;
    private final Clock clock;

    public Pushers(ClientApiDatabase database, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** {@code GET /pushers}. */
    public Mono<JsonObject> list(AuthenticatedDevice device) {
        return database.pushers(device.userId().localpart())
                .map(pushers -> JsonObject.EMPTY.with(
                        "pushers",
                        new JsonArray(pushers.stream()
                                .<CanonicalJsonValue>map(Pushers::json)
                                .toList())));
    }

    /** {@code POST /pushers/set}. */
    public Mono<JsonObject> set(AuthenticatedDevice device, JsonObject body) {
        return Mono.defer(() -> {
            String appId = required(body, "app_id");
            String pushkey = required(body, "pushkey");
            if (appId.length() > 64) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "app_id must be at most 64 characters");
            }
            if (pushkey.getBytes(StandardCharsets.UTF_8).length > 512) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "pushkey must be at most 512 bytes");
            }
            String localpart = device.userId().localpart();
            CanonicalJsonValue kind = body.get("kind")
                    .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "kind is required"));
            if (kind instanceof JsonNull) {
                return database.deletePusher(localpart, appId, pushkey).thenReturn(JsonObject.EMPTY);
            }
            if (!(kind instanceof JsonString kindName) || !kindName.value().equals("http")) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Only http pushers are supported");
            }
            JsonObject data = body.getObject("data")
                    .orElseThrow(() -> body.has("data")
                            ? new MatrixException(ErrorCode.BAD_JSON, "data must be an object")
                            : new MatrixException(ErrorCode.MISSING_PARAM, "data is required"));
            checkUrl(data.getString("url"));
            boolean append = switch (body.get("append").orElse(null)) {
                case null -> false;
                case JsonBool value -> value.value();
                default -> throw new MatrixException(ErrorCode.BAD_JSON, "append must be a boolean");
            };
            Optional<String> profileTag = switch (body.get("profile_tag").orElse(null)) {
                case null -> Optional.empty();
                case JsonString value -> Optional.of(value.value());
                default -> throw new MatrixException(ErrorCode.BAD_JSON, "profile_tag must be a string");
            };
            Pusher pusher = new Pusher(
                    appId,
                    pushkey,
                    "http",
                    required(body, "app_display_name"),
                    required(body, "device_display_name"),
                    profileTag,
                    required(body, "lang"),
                    CanonicalJson.encodeToString(data));
            return database.setPusher(localpart, pusher, append, clock.millis()).thenReturn(JsonObject.EMPTY);
        });
    }

    private static void checkUrl(Optional<String> url) {
        if (url.isEmpty()) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "An http pusher needs data.url");
        }
        try {
            URI uri = URI.create(url.get());
            boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
            if (!web || uri.getHost() == null || !NOTIFY_PATH.equals(uri.getPath())) {
                throw new IllegalArgumentException("not a push gateway URL");
            }
        } catch (IllegalArgumentException e) {
            throw new MatrixException(
                    ErrorCode.INVALID_PARAM, "data.url must be an http(s) URL ending in " + NOTIFY_PATH);
        }
    }

    private static String required(JsonObject body, String key) {
        return switch (body.get(key).orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, key + " is required");
            case JsonString value -> value.value();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, key + " must be a string");
        };
    }

    private static JsonObject json(Pusher pusher) {
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("app_id", pusher.appId())
                .put("pushkey", pusher.pushkey())
                .put("kind", pusher.kind())
                .put("app_display_name", pusher.appDisplayName())
                .put("device_display_name", pusher.deviceDisplayName())
                .put("lang", pusher.lang())
                .put("data", CanonicalJson.parseObject(pusher.dataJson()));
        pusher.profileTag().ifPresent(tag -> out.put("profile_tag", tag));
        return out.build();
    }
}
