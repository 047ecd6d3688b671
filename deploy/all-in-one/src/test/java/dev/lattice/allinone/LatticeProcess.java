package dev.lattice.allinone;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The all-in-one server as an operator runs it: {@code java -jar lattice.jar run} in its own process, with its own
 * data directory, embedded PostgreSQL and Kafka, and free ports. Tests start, stop, kill and restart it.
 */
final class LatticeProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/lattice.jar");
    /** The server's admin-registration secret, for {@code lattice register-user}. */
    static final String SHARED_SECRET = "all-in-one-test-secret";

    final Path directory;
    final int clientPort;
    final int federationPort;
    final int metricsPort;
    private final Path log;
    private Process process;

    LatticeProcess(Path directory) throws IOException {
        this.directory = directory;
        int[] ports = distinctFreePorts(3);
        this.clientPort = ports[0];
        this.federationPort = ports[1];
        this.metricsPort = ports[2];
        this.log = directory.resolve("lattice.log");
    }

    /** Starts the process and waits until {@code /_matrix/client/versions} answers 200; returns the wait. */
    Duration start() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "run"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("LATTICE_CLIENT_PORT", Integer.toString(clientPort));
        env.put("LATTICE_CLIENT_BINDADDRESS", "127.0.0.1");
        env.put("LATTICE_FEDERATION_PORT", Integer.toString(federationPort));
        env.put("LATTICE_FEDERATION_BINDADDRESS", "127.0.0.1");
        env.put("LATTICE_METRICS_PORT", Integer.toString(metricsPort));
        env.put("LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET", SHARED_SECRET);
        // Tests register several accounts from one address within seconds: more than the default burst of 3.
        env.put("LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_BURST", "100");
        long started = System.nanoTime();
        process = builder.start();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = started + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("lattice exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(clientUri("/_matrix/client/versions"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("lattice did not answer within 180 s:\n" + log());
    }

    URI clientUri(String path) {
        return URI.create("http://127.0.0.1:" + clientPort + path);
    }

    URI federationUri(String path) {
        return URI.create("https://localhost:" + federationPort + path);
    }

    URI metricsUri(String path) {
        return URI.create("http://127.0.0.1:" + metricsPort + path);
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, as an operator's Ctrl-C or systemd stop; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    /** SIGKILL: no shutdown hooks, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    /**
     * Free ports that differ from each other: every socket stays open until all are chosen, because the kernel may
     * hand a just-closed ephemeral port out again (a CI run once got the same port for client and federation).
     */
    private static int[] distinctFreePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
