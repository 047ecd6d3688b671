package dev.lattice.allinone;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11's durable pushes under SIGKILL: a notification whose push gateway was down when the process was killed is
 * pushed after the restart, once the gateway is back (the push waits in {@code syncapi.pending_pushes}).
 */
class PushDurabilityIT {
    @TempDir
    Path directory;

    @Test
    void aPushPendingWhenTheProcessIsKilledIsDeliveredAfterTheRestart() throws Exception {
        AtomicBoolean gatewayUp = new AtomicBoolean(false);
        AtomicInteger refused = new AtomicInteger();
        List<String> delivered = new CopyOnWriteArrayList<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/_matrix/push/v1/notify", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            int status = gatewayUp.get() ? 200 : 503;
            if (status == 200) {
                delivered.add(body);
            } else {
                refused.incrementAndGet();
            }
            byte[] answer = "{\"rejected\":[]}".getBytes(UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        gateway.start();
        try (LatticeProcess lattice = new LatticeProcess(directory)) {
            lattice.start();
            ClientCalls client = new ClientCalls(lattice);
            String alice = client.register("alice").getString("access_token").orElseThrow();
            JsonObject bobLogin = client.register("bob");
            String bob = bobLogin.getString("access_token").orElseThrow();
            String bobId = bobLogin.getString("user_id").orElseThrow();
            client.post(
                    "/_matrix/client/v3/pushers/set",
                    bob,
                    "{\"kind\":\"http\",\"app_id\":\"org.example.app\",\"pushkey\":\"bob-key\","
                            + "\"app_display_name\":\"Example\",\"device_display_name\":\"Bob's phone\",\"lang\":\"en\","
                            + "\"data\":{\"url\":\"http://127.0.0.1:"
                            + gateway.getAddress().getPort()
                            + "/_matrix/push/v1/notify\"}}");
            String roomId = client.post(
                            "/_matrix/client/v3/createRoom",
                            alice,
                            "{\"preset\":\"private_chat\",\"invite\":[\"" + bobId + "\"]}")
                    .getString("room_id")
                    .orElseThrow();
            String room = URLEncoder.encode(roomId, StandardCharsets.UTF_8);
            client.post("/_matrix/client/v3/rooms/" + room + "/join", bob, "{}");

            String eventId = client.put(
                            "/_matrix/client/v3/rooms/" + room + "/send/m.room.message/txn1",
                            alice,
                            "{\"msgtype\":\"m.text\",\"body\":\"for bob's phone\"}")
                    .getString("event_id")
                    .orElseThrow();
            // The gateway refuses the first attempt; the push is put off for a retry, and the process dies with it
            // unsent. (A process killed in the middle of an attempt holds the push for the lease, 45 s, after which
            // any process takes it again: PendingPushesTableIT.)
            awaitTrue(() -> refused.get() >= 1, Duration.ofSeconds(30));
            Thread.sleep(500);
            lattice.kill();
            gatewayUp.set(true);
            lattice.start();

            awaitTrue(() -> !delivered.isEmpty(), Duration.ofSeconds(60));
            JsonObject notification = CanonicalJson.parseObject(delivered.getFirst())
                    .getObject("notification")
                    .orElseThrow();
            assertThat(notification.getString("event_id")).contains(eventId);
            assertThat(notification.getObject("content").orElseThrow().getString("body"))
                    .contains("for bob's phone");
            Thread.sleep(2000); // a second delivery of the same push would come within the delivery interval
            assertThat(delivered).as("pushed once after the restart").hasSize(1);
        } finally {
            gateway.stop(0);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
