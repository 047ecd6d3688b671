package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

class StreamTokenTest {

    @Test
    void roundTrips() {
        assertThat(new StreamToken(42).toString()).isEqualTo("s42");
        assertThat(StreamToken.parse("s42", "since")).isEqualTo(new StreamToken(42));
        assertThat(StreamToken.parse("s-7", "from")).isEqualTo(new StreamToken(-7));
        assertThat(StreamToken.parse(StreamToken.START.toString(), "from")).isEqualTo(StreamToken.START);
    }

    @Test
    void ignoresStreamsItDoesNotKnowYet() {
        assertThat(StreamToken.parse("s42_7_19", "since")).isEqualTo(new StreamToken(42));
    }

    @Test
    void refusesWhatItDidNotWrite() {
        for (String bad : new String[] {"", "s", "42", "t42", "s4x", "s_1", "sabc", "s99999999999999999999"}) {
            assertThatThrownBy(() -> StreamToken.parse(bad, "since"))
                    .isInstanceOfSatisfying(MatrixException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAM);
                        assertThat(e.httpStatus()).isEqualTo(400);
                    });
        }
    }
}
