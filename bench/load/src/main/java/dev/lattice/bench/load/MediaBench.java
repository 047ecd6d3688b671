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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import tools.jackson.databind.json.JsonMapper;

/**
 * The media benchmark of issue #13 against a running server (Lattice or Synapse: only client-server endpoints and
 * the shared-secret registration): upload and download throughput of {@code --files} (64) {@code --file-mb} (10) MB
 * files with {@code --clients} (16) at once, after {@code --warmup-files} (32) uploaded and downloaded untimed; {@code --photos} (20) 4000 × 3000 JPEGs uploaded two at a time (photo uploads/s:
 * a server that makes thumbnails at upload time pays for them here), then a 320 × 240 {@code scale} thumbnail of
 * each asked two at a time (the cores) with none made before, so each request makes one (thumbnails/s; every answer
 * is decoded and its size reported); last one {@code --big-mb} (500) MB upload streamed from a generator (the tool
 * holds none of it) while the server's heap is sampled every 50 ms from its Prometheus endpoint
 * ({@code --metrics-url}, a JVM server only) and the memory of the process trees of {@code --mem-pids SERVER[,DB…]}
 * every {@code --mem-interval-ms} (200) from {@code /proc} ({@link ProcessMemory}). Every download is checked for
 * its length. Prints one JSON line, {@code --label} as its {@code server}.
 *
 * <pre>{@code
 * java -jar lattice-load.jar media --base-url URL --shared-secret S --metrics-url http://127.0.0.1:9008/metrics \
 *     --mem-pids JVM_PID,POSTMASTER_PID --label lattice
 * }</pre>
 */
public final class MediaBench {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final Pattern CONTENT_URI = Pattern.compile("\"content_uri\"\\s*:\\s*\"mxc://([^\"]+)\"");
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)");

    /**
     * Uploads {@code files} files of random bytes ({@code seed} onwards), {@code clients} at once, then downloads each,
     * checking its length: the seconds each phase took.
     */
    private static double[] uploadAndDownload(URI base, String token, int files, int fileBytes, int clients, int seed)
            throws Exception {
        long start = System.nanoTime();
        List<String> uploaded = InitialSyncBench.inParallel(files, clients, i -> {
            byte[] bytes = new byte[fileBytes];
            new Random(seed + i).nextBytes(bytes);
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
        return new double[] {uploadSeconds, (System.nanoTime() - start) / 1e9};
    }

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        URI base = URI.create(InitialSyncBench.option(list, "--base-url", null));
        String secret = InitialSyncBench.option(list, "--shared-secret", null);
        String label = InitialSyncBench.option(list, "--label", "server");
        String metricsOption = InitialSyncBench.option(list, "--metrics-url", "");
        URI metrics = metricsOption.isEmpty() ? null : URI.create(metricsOption);
        List<Long> memoryPids = Arrays.stream(
                        InitialSyncBench.option(list, "--mem-pids", "").split(","))
                .filter(pid -> !pid.isBlank())
                .map(Long::parseLong)
                .toList();
        int memoryIntervalMs = Integer.parseInt(InitialSyncBench.option(list, "--mem-interval-ms", "200"));
        int clients = Integer.parseInt(InitialSyncBench.option(list, "--clients", "16"));
        int files = Integer.parseInt(InitialSyncBench.option(list, "--files", "64"));
        int fileMb = Integer.parseInt(InitialSyncBench.option(list, "--file-mb", "10"));
        int photos = Integer.parseInt(InitialSyncBench.option(list, "--photos", "20"));
        int bigMb = Integer.parseInt(InitialSyncBench.option(list, "--big-mb", "500"));
        String token = new MatrixClient(base, JsonMapper.builder().build())
                .register(secret, "media" + Long.toString(System.currentTimeMillis(), 36), "bench-password")
                .accessToken();

        // Upload and download throughput, after the same round untimed: steady state, not a cold start, is measured
        // (a JIT-compiled server would otherwise pay its warm-up inside the first seconds measured).
        int fileBytes = fileMb * 1024 * 1024;
        int warmupFiles = Integer.parseInt(InitialSyncBench.option(list, "--warmup-files", "32"));
        uploadAndDownload(base, token, warmupFiles, fileBytes, clients, 1_000_000);
        double[] seconds = uploadAndDownload(base, token, files, fileBytes, clients, 0);
        double uploadSeconds = seconds[0];
        double downloadSeconds = seconds[1];
        double totalMb = (double) files * fileMb;
        System.err.printf(
                "media %s: %d × %d MB up in %.1f s, down in %.1f s%n",
                label, files, fileMb, uploadSeconds, downloadSeconds);

        // Thumbnails of large photos: the JPEGs are made first, so that the upload time is the server's.
        List<byte[]> jpegs = InitialSyncBench.inParallel(photos, 2, MediaBench::photo);
        long photoBytes = jpegs.stream().mapToLong(jpeg -> jpeg.length).sum();
        long start = System.nanoTime();
        List<String> photoIds = InitialSyncBench.inParallel(
                photos,
                2,
                i -> upload(base, token, "image/jpeg", HttpRequest.BodyPublishers.ofByteArray(jpegs.get(i))));
        double photoUploadSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        List<String> thumbnailSizes = InitialSyncBench.inParallel(photos, 2, i -> {
            byte[] thumbnail =
                    fetch(base, token, "/thumbnail/" + photoIds.get(i) + "?width=320&height=240&method=scale");
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(thumbnail));
            if (image == null) {
                throw new IllegalStateException("thumbnail " + i + ": not an image (" + thumbnail.length + " bytes)");
            }
            return image.getWidth() + "x" + image.getHeight();
        });
        double thumbnailSeconds = (System.nanoTime() - start) / 1e9;
        System.err.printf(
                "media %s: %d photos (%.1f MB each) up in %.1f s, thumbnails %s in %.1f s%n",
                label,
                photos,
                photoBytes / 1048576.0 / photos,
                photoUploadSeconds,
                new java.util.TreeSet<>(thumbnailSizes),
                thumbnailSeconds);

        // The heap (a JVM server) and the process trees' memory during one big upload.
        long heapBaseline = metrics == null ? 0 : heap(metrics);
        AtomicLong heapPeak = new AtomicLong(heapBaseline);
        ProcessMemory memory = new ProcessMemory(java.nio.file.Path.of("/proc"));
        MemoryPeaks before = MemoryPeaks.of(memory, memoryPids);
        MemoryPeaks peaks = MemoryPeaks.of(memory, memoryPids);
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread heapSampler = Thread.ofPlatform().start(() -> {
            while (metrics != null && uploading.get()) {
                try {
                    heapPeak.accumulateAndGet(heap(metrics), Math::max);
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        });
        Thread memorySampler = Thread.ofPlatform().start(() -> {
            while (!memoryPids.isEmpty() && uploading.get()) {
                peaks.accumulate(MemoryPeaks.of(memory, memoryPids));
                try {
                    Thread.sleep(memoryIntervalMs);
                } catch (InterruptedException e) {
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
        heapSampler.join();
        memorySampler.join();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("server", label);
        result.put("files", files);
        result.put("file_mb", fileMb);
        result.put("clients", clients);
        result.put("upload_mb_per_s", round(totalMb / uploadSeconds, 1));
        result.put("download_mb_per_s", round(totalMb / downloadSeconds, 1));
        result.put("photos", photos);
        result.put("photo_mb", round(photoBytes / 1048576.0 / photos, 2));
        result.put("photo_uploads_per_s", round(photos / photoUploadSeconds, 2));
        result.put("thumbnails_per_s", round(photos / thumbnailSeconds, 2));
        result.put("thumbnail_sizes", new java.util.TreeSet<>(thumbnailSizes));
        result.put("big_upload_mb", bigMb);
        result.put("big_upload_s", round(bigSeconds, 1));
        result.put("heap_before_mb", metrics == null ? null : round(heapBaseline / 1048576.0, 0));
        result.put("heap_peak_during_big_upload_mb", metrics == null ? null : round(heapPeak.get() / 1048576.0, 0));
        if (!memoryPids.isEmpty()) {
            result.put("memory_samples", peaks.samples);
            result.put("server_rss_before_mb", before.serverRssKb / 1024);
            result.put("server_rss_peak_mb", peaks.serverRssKb / 1024);
            result.put("server_pss_before_mb", before.serverPssKb / 1024);
            result.put("server_pss_peak_mb", peaks.serverPssKb / 1024);
            result.put("db_pss_before_mb", before.databasePssKb / 1024);
            result.put("db_pss_peak_mb", peaks.databasePssKb / 1024);
            result.put("total_pss_before_mb", before.totalPssKb / 1024);
            result.put("total_pss_peak_mb", peaks.totalPssKb / 1024);
        }
        System.out.println(JsonMapper.builder().build().writeValueAsString(result));
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /**
     * The memory of the server's process tree (the first of {@code --mem-pids}) and of its database (the trees of the
     * others), and the highest of each seen so far; the total is the highest sum within one sample.
     */
    private static final class MemoryPeaks {
        long serverRssKb;
        long serverPssKb;
        long databasePssKb;
        long totalPssKb;
        int samples = 1;

        static MemoryPeaks of(ProcessMemory memory, List<Long> pids) {
            MemoryPeaks sample = new MemoryPeaks();
            for (int i = 0; i < pids.size(); i++) {
                ProcessMemory.Sample tree = memory.sample(pids.get(i));
                if (i == 0) {
                    sample.serverRssKb = tree.rssKb();
                    sample.serverPssKb = tree.pssKb();
                } else {
                    sample.databasePssKb += tree.pssKb();
                }
            }
            sample.totalPssKb = sample.serverPssKb + sample.databasePssKb;
            return sample;
        }

        synchronized void accumulate(MemoryPeaks sample) {
            serverRssKb = Math.max(serverRssKb, sample.serverRssKb);
            serverPssKb = Math.max(serverPssKb, sample.serverPssKb);
            databasePssKb = Math.max(databasePssKb, sample.databasePssKb);
            totalPssKb = Math.max(totalPssKb, sample.totalPssKb);
            samples++;
        }
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

    /** GETs {@code /_matrix/client/v1/media<path>} and returns the body (a thumbnail: small). */
    private static byte[] fetch(URI base, String token, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(
                HttpRequest.newBuilder(base.resolve("/_matrix/client/v1/media" + path))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofMinutes(5))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + ": " + response.statusCode() + " " + new String(response.body(), UTF_8));
        }
        return response.body();
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
