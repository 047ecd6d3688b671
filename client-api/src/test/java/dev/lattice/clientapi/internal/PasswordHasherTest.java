package dev.lattice.clientapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(4);

    @Test
    void aHashMatchesItsPasswordOnly() {
        String hash = hasher.hash("correct horse").block();
        assertThat(hash).startsWith("$2b$04$");
        assertThat(hasher.matches("correct horse", hash).block()).isTrue();
        assertThat(hasher.matches("wrong horse", hash).block()).isFalse();
    }

    @Test
    void anAccountWithoutAPasswordIsCheckedAgainstTheDummyHashAndNeverMatches() {
        // checkpw parses the dummy hash's cost and salt: a malformed one would throw here
        assertThat(hasher.matches("", null).block()).isFalse();
        assertThat(hasher.matches("LatticeDummySaltForNoA", null).block()).isFalse();
    }
}
