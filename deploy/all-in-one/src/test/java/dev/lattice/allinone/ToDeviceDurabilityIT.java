package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The to-device promise under SIGKILL (issue #10): the all-in-one process is killed in the middle of a burst of
 * {@code PUT /sendToDevice}; after a restart the recipient device receives every message that got a 200 exactly
 * once (following {@code next_batch}, which acknowledges and deletes what it received), and repeating an
 * acknowledged transaction ID delivers nothing again.
 */
class ToDeviceDurabilityIT {
    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedToDeviceMessageIsDeliveredExactlyOnceAfterSigkill() throws Exception {
        try (LatticeProcess lattice = new LatticeProcess(directory)) {
            lattice.start();
            ClientCalls client = new ClientCalls(lattice);
            String sender = client.register("sender").getString("access_token").orElseThrow();
            JsonObject recipient = client.register("recipient");
            String recipientToken = recipient.getString("access_token").orElseThrow();
            String recipientUser = recipient.getString("user_id").orElseThrow();
            String recipientDevice = recipient.getString("device_id").orElseThrow();

            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            Thread burst = Thread.ofPlatform().start(() -> {
                for (long i = 0; !stop.get() && i < 10_000; i++) {
                    try {
                        client.put(
                                path("txn" + i),
                                sender,
                                "{\"messages\":{\"" + recipientUser + "\":{\"" + recipientDevice + "\":{\"n\":" + i
                                        + "}}}}");
                        acknowledged.add(i);
                    } catch (IOException | InterruptedException | RuntimeException killed) {
                        return; // the server went away mid-request: never acknowledged
                    }
                }
            });
            while (acknowledged.size() < 150 && burst.isAlive()) {
                Thread.sleep(20);
            }
            lattice.kill();
            stop.set(true);
            burst.join();
            assertThat(acknowledged).as("messages acknowledged before the kill").hasSizeGreaterThanOrEqualTo(150);

            lattice.start();
            List<Long> received = receiveAll(client, recipientToken);
            assertThat(received).doesNotHaveDuplicates().containsAll(acknowledged);

            // An acknowledged transaction sent again delivers nothing new.
            long first = acknowledged.iterator().next();
            client.put(
                    path("txn" + first),
                    sender,
                    "{\"messages\":{\"" + recipientUser + "\":{\"" + recipientDevice + "\":{\"n\":-1}}}}");
            assertThat(receiveAll(client, recipientToken)).isEmpty();
        }
    }

    private static String path(String txnId) {
        return "/_matrix/client/v3/sendToDevice/m.test/" + txnId;
    }

    /**
     * Every to-device message of the device not yet acknowledged: an initial sync, then {@code next_batch} after
     * {@code next_batch} (each acknowledging the batch before) until a batch is empty, which leaves everything acknowledged.
     */
    private static List<Long> receiveAll(ClientCalls client, String token) throws Exception {
        List<Long> received = new ArrayList<>();
        String since = null;
        for (int round = 0; round < 1000; round++) {
            String query =
                    "?timeout=0" + (since != null ? "&since=" + URLEncoder.encode(since, StandardCharsets.UTF_8) : "");
            JsonObject sync = client.get("/_matrix/client/v3/sync" + query, token);
            List<CanonicalJsonValue> events = sync.getObject("to_device")
                    .flatMap(section -> section.getArray("events"))
                    .map(array -> array.values())
                    .orElse(List.of());
            for (CanonicalJsonValue event : events) {
                received.add(((JsonObject) event)
                        .getObject("content")
                        .flatMap(content -> content.getInteger("n"))
                        .orElseThrow());
            }
            since = sync.getString("next_batch").orElseThrow();
            if (events.isEmpty()) {
                return received;
            }
        }
        throw new AssertionError("the inbox did not empty");
    }
}
