package dev.lattice.runtime.config;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.runtime.StartupException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The server's signing key on disk, in Synapse's format ({@code ed25519 <version> <unpadded base64 seed>}), so keys
 * move between the two. A key file is never overwritten: replacing a key makes the server an impostor to others
 * until their caches expire.
 */
public final class SigningKeyFile {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String VERSION_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** Reads the key in {@code file}, generating one there if the file is absent (a fresh server's first start). */
    public static SigningKey loadOrGenerate(Path file) {
        try {
            String line = Files.readString(file)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .findFirst()
                    .orElse("");
            return SigningKey.fromKeyFileLine(line);
        } catch (NoSuchFileException absent) {
            return create(file);
        } catch (IOException e) {
            throw new StartupException("cannot read the signing key " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new StartupException(
                    "the signing key " + file + " is not a key file (expected " + "'ed25519 <version> <base64 seed>'): "
                            + e.getMessage(),
                    e);
        }
    }

    /** Generates a key and writes it to the new file {@code file}, readable only by its owner. */
    public static SigningKey create(Path file) {
        SigningKey key = SigningKey.generate(newKeyVersion());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, key.toKeyFileLine() + "\n", StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Not a POSIX file system: the directory's permissions protect it.
            }
            return key;
        } catch (FileAlreadyExistsException e) {
            throw new StartupException("the signing key " + file + " already exists; it is never overwritten", e);
        } catch (IOException e) {
            throw new StartupException("cannot write the signing key " + file + ": " + e.getMessage(), e);
        }
    }

    /** A fresh key version such as {@code a_Xk3q}, the form Synapse uses. */
    static String newKeyVersion() {
        StringBuilder version = new StringBuilder("a_");
        for (int i = 0; i < 4; i++) {
            version.append(VERSION_ALPHABET.charAt(RANDOM.nextInt(VERSION_ALPHABET.length())));
        }
        return version.toString();
    }

    private SigningKeyFile() {}
}
