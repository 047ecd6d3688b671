package dev.lattice.mediaapi.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real S3-compatible server for tests: moto's server mode (from PyPI, installed by {@code src/test/s3/install-moto.sh})
 * on a loopback port, with request authentication on, so that every S3 request must carry a valid SigV4 signature.
 * moto checks signatures with botocore, AWS's own Python signer.
 *
 * <p>moto lets the first {@code INITIAL_NO_AUTH_ACTION_COUNT} actions through unsigned: those create an IAM user
 * allowed {@code s3:*} and its access key. Everything after is signed with that key.
 */
public final class MotoS3 implements AutoCloseable {
    private static final int UNSIGNED_SETUP_ACTIONS = 3;

    private final Process process;
    private final URI endpoint;
    private final SigV4 signer;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private MotoS3(Process process, URI endpoint, SigV4 signer) {
        this.process = process;
        this.endpoint = endpoint;
        this.signer = signer;
    }

    /** Installs moto if needed (the first time takes about half a minute), starts it and creates the access key. */
    public static MotoS3 start() throws IOException, InterruptedException {
        Process install = new ProcessBuilder("bash", "src/test/s3/install-moto.sh")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String motoServer = new String(install.getInputStream().readAllBytes(), UTF_8).strip();
        if (install.waitFor() != 0 || motoServer.isEmpty()) {
            throw new IllegalStateException("src/test/s3/install-moto.sh failed (exit " + install.exitValue() + ")");
        }
        int port = freePort();
        Path log = Files.createDirectories(Path.of("target")).resolve("moto-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(motoServer, "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("INITIAL_NO_AUTH_ACTION_COUNT", String.valueOf(UNSIGNED_SETUP_ACTIONS));
        Process process = builder.start();
        try {
            awaitPort(port, process, log);
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            MotoS3 moto = new MotoS3(process, endpoint, null);
            return new MotoS3(process, endpoint, moto.createAccessKey());
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The signer of the user allowed {@code s3:*}. */
    public SigV4 signer() {
        return signer;
    }

    /** A store over a new bucket, path-style, spooling under {@code spoolDir}. */
    public S3MediaStore newStore(String bucket, String prefix, Path spoolDir) throws IOException, InterruptedException {
        createBucket(bucket);
        return new S3MediaStore(
                new S3MediaStore.S3Location(endpoint, bucket, prefix, true), signer, spoolDir, Clock.systemUTC());
    }

    /** {@code PUT /bucket}, signed. */
    public void createBucket(String bucket) throws IOException, InterruptedException {
        URI uri = endpoint.resolve("/" + bucket);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.noBody());
        signer.sign(
                        "PUT",
                        uri.getRawPath(),
                        Map.of("host", S3MediaStore.hostHeader(uri)),
                        SigV4.EMPTY_PAYLOAD,
                        Instant.now())
                .forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "cannot create bucket " + bucket + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** The unsigned setup: an IAM user, a policy allowing it {@code s3:*}, and its access key. */
    private SigV4 createAccessKey() throws IOException, InterruptedException {
        String user = "lattice";
        iam(Map.of("Action", "CreateUser", "UserName", user));
        iam(Map.of(
                "Action",
                "PutUserPolicy",
                "UserName",
                user,
                "PolicyName",
                "s3",
                "PolicyDocument",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                        + "\"Resource\":\"*\"}]}"));
        String created = iam(Map.of("Action", "CreateAccessKey", "UserName", user));
        return new SigV4(element(created, "AccessKeyId"), element(created, "SecretAccessKey"), "us-east-1");
    }

    private String iam(Map<String, String> parameters) throws IOException, InterruptedException {
        String form = parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), UTF_8) + "=" + URLEncoder.encode(e.getValue(), UTF_8))
                .collect(Collectors.joining("&", "Version=2010-05-08&", ""));
        // Unsigned, but moto picks the service from the credential scope of an Authorization header.
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(endpoint.resolve("/"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header(
                                "Authorization",
                                "AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request,"
                                        + "SignedHeaders=host,Signature=unsigned")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "moto IAM " + parameters.get("Action") + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String element(String xml, String name) {
        Matcher matcher =
                Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + xml);
        }
        return matcher.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(
                "moto_server did not listen on " + port + " within 60 s: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
