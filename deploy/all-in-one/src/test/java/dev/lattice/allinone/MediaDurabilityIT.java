package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media promise under SIGKILL (issue #13): the all-in-one process is killed while 20 clients upload at once;
 * after a restart every upload that got a 200 downloads intact, and every file at a content address is whole (its
 * name is the SHA-256 of its bytes), so nothing half-written can ever be served.
 */
class MediaDurabilityIT {
    @TempDir
    Path directory;

    private static final int CLIENTS = 20;
    private static final int SIZE = 512 * 1024;

    @Test
    void everyAcknowledgedUploadDownloadsIntactAfterSigkill() throws Exception {
        try (LatticeProcess lattice = new LatticeProcess(directory)) {
            lattice.start();
            ClientCalls client = new ClientCalls(lattice);
            String token = client.register("uploader").getString("access_token").orElseThrow();

            Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> uploaders = IntStream.range(0, CLIENTS)
                    .mapToObj(n -> Thread.ofPlatform().start(() -> {
                        Random random = new Random(n);
                        while (!stop.get()) {
                            byte[] bytes = new byte[SIZE];
                            random.nextBytes(bytes);
                            try {
                                acknowledged.put(client.upload(token, "application/octet-stream", bytes), bytes);
                            } catch (IOException | InterruptedException | RuntimeException killed) {
                                return; // the server went away mid-upload: never acknowledged
                            }
                        }
                    }))
                    .toList();
            while (acknowledged.size() < 2 * CLIENTS && uploaders.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(10);
            }
            lattice.kill();
            stop.set(true);
            for (Thread uploader : uploaders) {
                uploader.join();
            }
            assertThat(acknowledged)
                    .as("uploads acknowledged before the kill")
                    .hasSizeGreaterThanOrEqualTo(2 * CLIENTS);

            lattice.start();
            for (Map.Entry<String, byte[]> upload : acknowledged.entrySet()) {
                assertThat(client.download(token, upload.getKey()))
                        .as(upload.getKey())
                        .isEqualTo(upload.getValue());
            }
            try (Stream<Path> files = Files.walk(directory.resolve("data/media/content"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertThat(sha256(Files.readAllBytes(file)))
                            .as("the file at a content address holds exactly that content")
                            .isEqualTo(file.getFileName().toString());
                }
            }
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
