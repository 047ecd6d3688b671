package dev.lattice.clientapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import org.springframework.security.crypto.bcrypt.BCrypt;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * bcrypt password hashes. Passwords are NFKC-normalised (as Synapse does) and, as bcrypt has always done, only their
 * first 72 UTF-8 bytes count; hashes therefore match Synapse's. Hashing is CPU-heavy (about 0.25 s at cost 12), so
 * it runs on {@link Schedulers#boundedElastic()}, never on the event loop.
 */
public final class PasswordHasher {
    private static final int BCRYPT_MAX_BYTES = 72;

    private final int cost;
    private final SecureRandom random = new SecureRandom();
    /**
     * Checked against when the account does not exist, so a login takes as long whether or not it does. Checking
     * costs what the hash's cost says, whatever its salt and digest, so a fixed one of the configured cost serves:
     * hashing one at start-up took 0.7 s of the start's critical path (bench/RESULTS.md). No password is accepted
     * against it ({@link #matches}).
     */
    private final String dummyHash;

    public PasswordHasher(int cost) {
        this.cost = cost;
        this.dummyHash = String.format("$2b$%02d$LatticeDummySaltForNoANoPasswordMatchesThisHashAtAll.", cost);
    }

    public Mono<String> hash(String password) {
        return Mono.fromCallable(() -> hashNow(password)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Whether {@code password} matches {@code hash}; a null hash (no password) never matches, in the same time. */
    public Mono<Boolean> matches(String password, String hash) {
        return Mono.fromCallable(() -> {
                    boolean ok = BCrypt.checkpw(bytes(password), hash != null ? hash : dummyHash);
                    return ok && hash != null;
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private String hashNow(String password) {
        return BCrypt.hashpw(bytes(password), BCrypt.gensalt("$2b", cost, random));
    }

    private static byte[] bytes(String password) {
        byte[] bytes = Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(UTF_8);
        return bytes.length <= BCRYPT_MAX_BYTES ? bytes : Arrays.copyOf(bytes, BCRYPT_MAX_BYTES);
    }
}
