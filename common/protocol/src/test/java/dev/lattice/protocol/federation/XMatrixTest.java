package dev.lattice.protocol.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.federation.XMatrixException.Reason;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XMatrixTest {
    private static final XMatrix SPEC_EXAMPLE = new XMatrix(
            ServerName.parse("origin.hs.example.com"),
            Optional.of(ServerName.parse("destination.hs.example.com")),
            KeyId.parse("ed25519:key1"),
            "ABCDEF...");

    @Test
    void parsesTheSpecsExample() {
        assertThat(XMatrix.parse("X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\","
                        + "key=\"ed25519:key1\",sig=\"ABCDEF...\""))
                .isEqualTo(SPEC_EXAMPLE);
    }

    @Test
    void writesTheSpecsExample() {
        assertThat(SPEC_EXAMPLE.toHeaderValue())
                .isEqualTo("X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\","
                        + "key=\"ed25519:key1\",sig=\"ABCDEF...\"");
        assertThat(XMatrix.parse(SPEC_EXAMPLE.toHeaderValue())).isEqualTo(SPEC_EXAMPLE);
    }

    @Test
    void toleratesWhatTheGrammarAllows() {
        // Scheme in any case, several spaces, whitespace around '=' and ',', names in any case, any order, empty
        // list elements, unquoted values with colons and slashes (older servers), escapes in quoted values,
        // unknown parameters.
        XMatrix parsed =
                XMatrix.parse("  x-matrix   SIG = \"AB\\CDEF...\" ,, Key=ed25519:key1 ,\tOrigin=origin.hs.example.com,"
                        + "destination=\"destination.hs.example.com\", future=\"x, y\"  ");
        assertThat(parsed).isEqualTo(SPEC_EXAMPLE);
        assertThat(XMatrix.parse("X-Matrix origin=a.example,key=ed25519:k,sig=ab+/cd")
                        .signature())
                .isEqualTo("ab+/cd");
    }

    @Test
    void destinationIsOptionalForOlderServers() {
        XMatrix parsed = XMatrix.parse("X-Matrix origin=\"a.example:8448\",key=\"ed25519:k\",sig=\"s\"");
        assertThat(parsed.destination()).isEmpty();
        assertThat(parsed.origin()).isEqualTo(ServerName.parse("a.example:8448"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "X-Matrixorigin=\"a\"", "", "Basic origin=\"a\",key=\"ed25519:k\",sig=\"s\""})
    void refusesOtherSchemes(String header) {
        assertThatThrownBy(() -> XMatrix.parse(header))
                .isInstanceOfSatisfying(
                        XMatrixException.class, e -> assertThat(e.reason()).isIn(Reason.NOT_X_MATRIX, Reason.SYNTAX));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "X-Matrix origin",
                "X-Matrix origin=",
                "X-Matrix origin=\"a.example",
                "X-Matrix origin=\"a.example\\",
                "X-Matrix =\"a.example\"",
                "X-Matrix origin=\"a.example\"key=\"ed25519:k\",sig=\"s\"",
                "X-Matrix origin=a.example key=ed25519:k,sig=s",
                "X-Matrix origin=\"a\nb\",key=\"ed25519:k\",sig=\"s\""
            })
    void refusesMalformedParameterLists(String header) {
        assertThatThrownBy(() -> XMatrix.parse(header))
                .isInstanceOfSatisfying(
                        XMatrixException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SYNTAX));
    }

    @Test
    void refusesMissingDuplicateAndInvalidParameters() {
        assertThatThrownBy(() -> XMatrix.parse("X-Matrix origin=\"a.example\",key=\"ed25519:k\""))
                .isInstanceOfSatisfying(
                        XMatrixException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_PARAMETER));
        assertThatThrownBy(() -> XMatrix.parse("X-Matrix origin=a.example,ORIGIN=b.example,key=ed25519:k,sig=s"))
                .isInstanceOfSatisfying(
                        XMatrixException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_PARAMETER));
        assertThatThrownBy(() -> XMatrix.parse("X-Matrix origin=\"a example\",key=\"ed25519:k\",sig=\"s\""))
                .isInstanceOfSatisfying(
                        XMatrixException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE));
        assertThatThrownBy(() -> XMatrix.parse("X-Matrix origin=\"a.example\",key=\"nocolon\",sig=\"s\""))
                .isInstanceOfSatisfying(
                        XMatrixException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE));
    }
}
