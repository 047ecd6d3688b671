package dev.lattice.clientapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

class LocalpartsTest {
    private static final ServerName SERVER = ServerName.parse("example.org");

    @Test
    void lowercasesAndAcceptsTheStrictGrammar() {
        assertThat(Localparts.normalize("Alice", SERVER)).isEqualTo("alice");
        assertThat(Localparts.normalize("a.b_c=d-e/f+g9", SERVER)).isEqualTo("a.b_c=d-e/f+g9");
        assertThat(Localparts.normalize("@bob:example.org", SERVER)).isEqualTo("bob");
    }

    @Test
    void refusesOtherCharactersEmptyAndTooLong() {
        for (String bad : new String[] {"", "al ice", "al:ice", "ålice", "a@b", "@bob:other.org", "a".repeat(243)}) {
            assertThatThrownBy(() -> Localparts.normalize(bad, SERVER))
                    .isInstanceOf(MatrixException.class)
                    .extracting(e -> ((MatrixException) e).errorCode().code())
                    .isEqualTo("M_INVALID_USERNAME");
        }
        // 255 bytes in all: "@" + 241 + ":example.org" (12)
        assertThat(Localparts.normalize("a".repeat(242), SERVER)).hasSize(242);
    }

    @Test
    void loginAcceptsLocalpartOrOwnUserIdAndFoldsCase() {
        assertThat(Localparts.forLogin("Alice", SERVER)).isEqualTo("alice");
        assertThat(Localparts.forLogin("@Alice:example.org", SERVER)).isEqualTo("alice");
        assertThatThrownBy(() -> Localparts.forLogin("@alice:other.org", SERVER))
                .isInstanceOf(MatrixException.class);
    }
}
