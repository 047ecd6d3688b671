package dev.lattice.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import tools.jackson.databind.json.JsonMapper;

/**
 * The media benchmark of issue #13 against a running server: upload and download throughput of {@code --file-mb}
 * (10) MB files with {@code --clients} (16) at once, thumbnails made per second from {@code --photos} (20)
 * 4000 × 3000 JPEGs (a 320 × 240 thumbnail of each, the first request making it, two at once: the cores), and the
 * server's heap during one {@code --big-mb} (500) MB upload streamed from a generator (the tool holds none of it),
 * sampled from its Prometheus endpoint ({@code --metrics-url}) every 50 ms. Every download is checked for its length.
 * Prints one JSON line.
 *
 * <pre>{@code
 * java -jar lattice-load.jar media --base-url URL --shared-secret S --metrics-url http://127.0.0.1:9008/metrics
 * }</pre>
 */
public final class MediaBench {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final Pattern CONTENT_URI = Pattern.compile("\"content_uri\"\\s*:\\s*\"mxc://([^\"]+)\"");
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)");

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        URI base = URI.create(InitialSyncBench.option(list, "--base-url", null));
        String secret = InitialSyncBench.option(list, "--shared-secret", null);
        URI metrics = URI.create(InitialSyncBench.option(list, "--metrics-url", null));
        int clients = Integer.parseInt(InitialSyncBench.option(list, "--clients", "16"));
        int files = Integer.parseInt(InitialSyncBench.option(list, "--files", "64"));
        int fileMb = Integer.parseInt(InitialSyncBench.option(list, "--file-mb", "10"));
        int photos = Integer.parseInt(InitialSyncBench.option(list, "--photos", "20"));
        int bigMb = Integer.parseInt(InitialSyncBench.option(list, "--big-mb", "500"));
        String token = new MatrixClient(base, JsonMapper.builder().build())
                .register(secret, "media" + Long.toString(System.currentTimeMillis(), 36), "bench-password")
                .accessToken();

        // Upload and download throughput.
        int fileBytes = fileMb * 1024 * 1024;
        long start = System.nanoTime();
        List<String> uploaded = InitialSyncBench.inParallel(files, clients, i -> {
            byte[] bytes = new byte[fileBytes];
            new Random(i).nextBytes(bytes);
            return upload(base, token, "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(bytes));
        });
        double uploadSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        InitialSyncBench.inParallel(files, clients, i -> {
            long length = download(base, token, "/download/" + uploaded.get(i));
            if (length != fileBytes) {
                throw new IllegalStateException("download " + i + ": " + length + " bytes, not " + fileBytes);
            }
            return null;
        });
        double downloadSeconds = (System.nanoTime() - start) / 1e9;
        double totalMb = (double) files * fileMb;
        System.err.printf(
                "media: %d × %d MB up in %.1f s, down in %.1f s%n", files, fileMb, uploadSeconds, downloadSeconds);

        // Thumbnails of large photos.
        List<String> photoIds = InitialSyncBench.inParallel(
                photos, 2, i -> upload(base, token, "image/jpeg", HttpRequest.BodyPublishers.ofByteArray(photo(i))));
        start = System.nanoTime();
        InitialSyncBench.inParallel(photos, 2, i -> {
            long length = download(base, token, "/thumbnail/" + photoIds.get(i) + "?width=320&height=240&method=scale");
            if (length <= 0) {
                throw new IllegalStateException("empty thumbnail");
            }
            return null;
        });
        double thumbnailSeconds = (System.nanoTime() - start) / 1e9;

        // The heap during one big upload.
        long baseline = heap(metrics);
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (uploading.get()) {
                try {
                    peak.accumulateAndGet(heap(metrics), Math::max);
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        });
        long bigBytes = (long) bigMb * 1024 * 1024;
        start = System.nanoTime();
        upload(
                base,
                token,
                "application/octet-stream",
                HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(bigBytes)), bigBytes));
        double bigSeconds = (System.nanoTime() - start) / 1e9;
        uploading.set(false);
        sampler.join();

        System.out.printf(
                "{\"files\":%d,\"file_mb\":%d,\"clients\":%d,\"upload_mb_per_s\":%.1f,\"download_mb_per_s\":%.1f,"
                        + "\"photos\":%d,\"thumbnails_per_s\":%.2f,\"big_upload_mb\":%d,\"big_upload_s\":%.1f,"
                        + "\"heap_before_mb\":%.0f,\"heap_peak_during_big_upload_mb\":%.0f}%n",
                files,
                fileMb,
                clients,
                totalMb / uploadSeconds,
                totalMb / downloadSeconds,
                photos,
                photos / thumbnailSeconds,
                bigMb,
                bigSeconds,
                baseline / 1048576.0,
                peak.get() / 1048576.0);
    }

    /** A 4000 × 3000 JPEG with enough detail to be a realistic size (a few MB). */
    private static byte[] photo(int seed) throws IOException {
        BufferedImage image = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        Random random = new Random(seed);
        for (int i = 0; i < 4000; i++) {
            graphics.setColor(new Color(random.nextInt(0xffffff)));
            graphics.fillOval(
                    random.nextInt(4000), random.nextInt(3000), 20 + random.nextInt(400), 20 + random.nextInt(400));
        }
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private static String upload(URI base, String token, String type, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(base.resolve("/_matrix/media/v3/upload"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", type)
                        .timeout(Duration.ofMinutes(10))
                        .POST(body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher matcher = CONTENT_URI.matcher(response.body());
        if (response.statusCode() != 200 || !matcher.find()) {
            throw new IllegalStateException("upload: " + response.statusCode() + " " + response.body());
        }
        return matcher.group(1);
    }

    /** GETs {@code /_matrix/client/v1/media<path>} and counts the bytes without keeping them. */
    private static long download(URI base, String token, String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = HTTP.send(
                HttpRequest.newBuilder(base.resolve("/_matrix/client/v1/media" + path))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofMinutes(5))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            long length = body.transferTo(java.io.OutputStream.nullOutputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("download " + path + ": " + response.statusCode());
            }
            return length;
        }
    }

    /** The server's heap in use, the sum of its heap pools, from its Prometheus text. */
    private static long heap(URI metrics) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString(UTF_8))
                .body();
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher matcher = HEAP.matcher(line);
            if (matcher.find()) {
                sum += Double.parseDouble(matcher.group(1));
            }
        }
        return (long) sum;
    }

    /** Pseudo-random bytes made as they are read: a big upload without holding it. */
    private static final class Generated extends InputStream {
        private final Random random = new Random(42);
        private long left;

        Generated(long length) {
            this.left = length;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, buffer, offset, n);
            left -= n;
            return n;
        }
    }

    private MediaBench() {}
}
