package dev.lattice.api.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The MAC matches what Synapse's Python (hmac + sha1) computes for the same fields. */
class SharedSecretMacTest {

    @Test
    void matchesSynapsesComputation() {
        // python3: hmac.new(b"secret", b"abcdef\0alice\0p4ss\0notadmin", hashlib.sha1).hexdigest()
        assertThat(SharedSecretMac.compute("secret", "abcdef", "alice", "p4ss", false, null))
                .isEqualTo("19e14b442514c1faba4ca3e5ecfa0c7bc4761a56");
        assertThat(SharedSecretMac.compute("secret", "abcdef", "bob", "p4ss", true, "bot"))
                .isEqualTo("478537d9b2f99cedfcdeab1788c35abb4bb3e0bd");
    }

    @Test
    void verifiesCaseInsensitivelyAndRejectsAnyChange() {
        String mac = "19E14B442514C1FABA4CA3E5ECFA0C7BC4761A56";
        assertThat(SharedSecretMac.verify(mac, "secret", "abcdef", "alice", "p4ss", false, null))
                .isTrue();
        assertThat(SharedSecretMac.verify(mac, "secret", "abcdef", "alice", "p4ss", true, null))
                .isFalse();
        assertThat(SharedSecretMac.verify(mac, "other", "abcdef", "alice", "p4ss", false, null))
                .isFalse();
        assertThat(SharedSecretMac.verify(mac, "secret", "abcdeg", "alice", "p4ss", false, null))
                .isFalse();
        assertThat(SharedSecretMac.verify("", "secret", "abcdef", "alice", "p4ss", false, null))
                .isFalse();
    }
}
