package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.Pusher;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.push.PushRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pushes notifications to the user's http pushers (<a
 * href="https://spec.matrix.org/v1.19/push-gateway-api/#post_matrixpushv1notify">Push Gateway API</a>
 * {@code POST /_matrix/push/v1/notify}): one request per pusher, with the event (only its IDs for
 * {@code format: event_id_only}), the unread count, {@code prio} high for a highlight, and the rule's tweaks. One
 * attempt per call: retries, with their backoff, are {@link PushDelivery}'s, from the durable queue.
 */
public final class PushGateway {
    private static final Logger log = LoggerFactory.getLogger(PushGateway.class);

    private final Supplier<UserApi> users;
    private final HttpClient http;

    public PushGateway(Supplier<UserApi> users, HttpClient http) {
        this.users = requireNonNull(users, "users is null");
        this.http = requireNonNull(http, "http is null");
    }

    /** The user's pushers (none for another server's user). */
    public Mono<List<Pusher>> pushers(String userId) {
        return users.get().queryPushers(UserId.parse(userId));
    }

    /**
     * Pushes the event to each of {@code pushers} (the user's, {@link #pushers}), once: true when every pusher's
     * gateway took it or refused it for good (a 4xx: retrying would not help), false when one failed for now (a
     * network error, a timeout or a 5xx) and the push should be tried again later. A retry goes to every pusher
     * again; gateways see at least once.
     */
    public Mono<Boolean> pushOnce(
            List<Pusher> pushers, String eventId, String roomId, JsonObject event, PushRule rule, long unread) {
        return Flux.fromIterable(pushers)
                .flatMap(pusher -> send(pusher, notification(pusher, eventId, roomId, event, rule, unread)))
                .all(delivered -> delivered);
    }

    private Mono<Boolean> send(Pusher pusher, JsonObject notification) {
        JsonObject data = CanonicalJson.parseObject(pusher.dataJson());
        URI url = URI.create(data.getString("url").orElseThrow());
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CanonicalJson.encodeToString(notification)))
                .build();
        return Mono.fromFuture(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(response -> {
                    if (response.statusCode() >= 500) {
                        log.info(
                                "push gateway {} answered {}; trying again later",
                                url.getHost(),
                                response.statusCode());
                        return false;
                    }
                    if (response.statusCode() != 200) {
                        log.warn("push gateway {} refused a push: {}", url.getHost(), response.statusCode());
                    }
                    return true;
                })
                .onErrorResume(e -> {
                    log.info("push to {} failed: {}; trying again later", url.getHost(), e.toString());
                    return Mono.just(false);
                });
    }

    /** The {@code notification} body for one pusher. */
    static JsonObject notification(
            Pusher pusher, String eventId, String roomId, JsonObject event, PushRule rule, long unread) {
        JsonObject data = CanonicalJson.parseObject(pusher.dataJson());
        boolean idsOnly = data.getString("format").orElse("").equals("event_id_only");
        Map<String, CanonicalJsonValue> tweaks = new TreeMap<>();
        for (CanonicalJsonValue action : rule.actions()) {
            if (action instanceof JsonObject tweak
                    && tweak.getString("set_tweak").isPresent()) {
                tweaks.put(
                        tweak.getString("set_tweak").get(), tweak.get("value").orElse(new JsonBool(true)));
            }
        }
        JsonObject device = new JsonObjectBuilder()
                .put("app_id", pusher.appId())
                .put("pushkey", pusher.pushkey())
                .put("data", data.without("url"))
                .put("tweaks", JsonObject.of(tweaks))
                .build();
        JsonObjectBuilder notification = new JsonObjectBuilder()
                .put("event_id", eventId)
                .put("room_id", roomId)
                .put("counts", new JsonObjectBuilder().put("unread", unread).build())
                .put("prio", rule.highlights() ? "high" : "low")
                .put("devices", new JsonArray(List.of(device)));
        if (!idsOnly) {
            event.getString("type").ifPresent(type -> notification.put("type", type));
            event.getString("sender").ifPresent(sender -> notification.put("sender", sender));
            event.getObject("content").ifPresent(content -> notification.put("content", content));
        }
        return JsonObject.EMPTY.with("notification", notification.build());
    }
}
