package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: generate-config, and one clear line for each start-up mistake. */
class CommandLineIT {
    @TempDir
    Path directory;

    record Result(int exitCode, String output) {}

    @Test
    void generateConfigWritesAConfigAndAPrivateKeyAndNeverOverwrites() throws Exception {
        Result first = lattice(Map.of(), "generate-config", "--server-name", "example.org");
        assertThat(first.exitCode()).isZero();
        Path config = directory.resolve("lattice.yaml");
        Path key = directory.resolve("example.org.signing.key");
        assertThat(Files.readString(config))
                .contains("server-name: example.org")
                .contains("signing-key-path: " + key.toAbsolutePath())
                .containsPattern("shared-secret: [A-Za-z0-9_-]{43}\n");
        assertThat(Files.readString(key)).matches("ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");

        String keyBefore = Files.readString(key);
        Result again = lattice(Map.of(), "generate-config", "--server-name", "example.org");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.output()).contains("lattice: ").contains("already exists");
        assertThat(Files.readString(key)).isEqualTo(keyBefore);

        assertThat(lattice(Map.of(), "generate-config").output()).contains("needs --server-name");
        assertThat(lattice(Map.of(), "register-user", "--password", "x").output())
                .contains("needs --user");
        assertThat(lattice(Map.of(), "generate-config", "--server-name", "bad name!")
                        .output())
                .contains("invalid server name");
    }

    @Test
    void unreadableConfigIsOneLine() throws Exception {
        Files.writeString(directory.resolve("lattice.yaml"), "lattice:\n  server-name: [unclosed\n");
        Result result = lattice(Map.of(), "run");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(lastLine(result)).startsWith("lattice: ").contains("configuration");
    }

    @Test
    void brokenSigningKeyAndTakenPortAreOneLineEach() throws Exception {
        Path key = directory.resolve("broken.key");
        Files.writeString(key, "this is not a key\n");
        Result brokenKey = lattice(Map.of("LATTICE_SIGNINGKEYPATH", key.toString()), "run");
        assertThat(brokenKey.exitCode()).isEqualTo(1);
        assertThat(lastLine(brokenKey))
                .startsWith("lattice: ")
                .contains("signing key")
                .contains(key.toString());

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result portTaken = lattice(
                    Map.of(
                            "LATTICE_CLIENT_PORT",
                            Integer.toString(taken.getLocalPort()),
                            "LATTICE_CLIENT_BINDADDRESS",
                            "127.0.0.1"),
                    "run");
            assertThat(portTaken.exitCode()).isEqualTo(1);
            assertThat(lastLine(portTaken))
                    .startsWith("lattice: ")
                    .contains(Integer.toString(taken.getLocalPort()))
                    .contains("in use");
        }
    }

    /** The one line the operator is told, and proof that no stack trace came with it. */
    private static String lastLine(Result result) {
        List<String> lines = result.output()
                .lines()
                .filter(line -> line.startsWith("lattice: "))
                .toList();
        assertThat(lines).as(result.output()).hasSize(1);
        assertThat(result.output()).doesNotContain("\tat ").doesNotContain("Caused by");
        return lines.getFirst();
    }

    private Result lattice(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                Path.of("target/lattice.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        // Free ports, so a failing start never collides with another test's server.
        builder.environment().putIfAbsent("LATTICE_CLIENT_PORT", "0");
        builder.environment().put("LATTICE_FEDERATION_PORT", "0");
        builder.environment().put("LATTICE_METRICS_PORT", "0");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("lattice did not exit: " + new String(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
