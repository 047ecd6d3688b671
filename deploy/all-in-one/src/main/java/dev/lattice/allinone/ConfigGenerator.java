package dev.lattice.allinone;

import dev.lattice.allinone.LatticeMain.CommandLineException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.config.SigningKeyFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code lattice generate-config --server-name NAME [--config FILE]}: writes a commented config and, beside it, a
 * fresh signing key. Refuses to overwrite either, since replacing a key makes the server an impostor to others.
 */
final class ConfigGenerator {
    static void generate(String[] args) {
        String serverName = LatticeMain.option(args, "--server-name");
        if (serverName == null) {
            throw new CommandLineException("generate-config needs --server-name, e.g. --server-name example.org");
        }
        try {
            ServerName.parse(serverName);
        } catch (RuntimeException e) {
            throw new CommandLineException("invalid server name " + serverName + ": " + e.getMessage());
        }
        String configOption = LatticeMain.option(args, "--config");
        Path config = Path.of(configOption != null ? configOption : "lattice.yaml");
        Path key = config.toAbsolutePath().getParent().resolve(serverName.replace(':', '_') + ".signing.key");
        if (Files.exists(config)) {
            throw new CommandLineException(config + " already exists; remove it or choose another --config");
        }
        if (Files.exists(key)) {
            throw new CommandLineException(key + " already exists; keep it, or move it away to make a new key");
        }
        String yaml = template()
                .replace("${serverName}", serverName)
                .replace("${signingKeyPath}", key.toAbsolutePath().normalize().toString())
                .replace("${sharedSecret}", randomSecret());
        SigningKeyFile.create(key);
        try {
            Files.writeString(config, yaml, StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new CommandLineException("cannot write " + e.getMessage());
        }
        System.out.println("wrote " + config + " and the signing key " + key);
    }

    /** 32 random bytes as URL-safe base64: the registration shared secret. */
    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String template() {
        try (InputStream in = ConfigGenerator.class.getResourceAsStream("/lattice.yaml.template")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ConfigGenerator() {}
}
