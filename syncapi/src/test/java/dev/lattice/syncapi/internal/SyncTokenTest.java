package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

class SyncTokenTest {

    @Test
    void roundTripsEventsThenAccountDataThenToDevice() {
        assertThat(new SyncToken(42, 7, 3).toString()).isEqualTo("s42_7_3");
        assertThat(SyncToken.parse("s42_7_3", "since")).isEqualTo(new SyncToken(42, 7, 3));
        // The events part is a room events token as /messages and /members read it.
        assertThat(StreamToken.parse(new SyncToken(42, 7).toString(), "from")).isEqualTo(new StreamToken(42));
    }

    @Test
    void readsOldTokensFromTheStartOfTheirMissingStreamsAndIgnoresNewerParts() {
        assertThat(SyncToken.parse("s42", "since")).isEqualTo(new SyncToken(42, 0, 0));
        assertThat(SyncToken.parse("s42_7", "since")).isEqualTo(new SyncToken(42, 7, 0));
        assertThat(SyncToken.parse("s42_7_19_3", "since")).isEqualTo(new SyncToken(42, 7, 19));
    }

    @Test
    void refusesWhatItDidNotWrite() {
        for (String bad : new String[] {
            "", "s", "t42_1", "s4x_1", "s42_", "s42_x", "s42_-1", "s42_99999999999999999999", "s42_1_x", "s42_1_-2"
        }) {
            assertThatThrownBy(() -> SyncToken.parse(bad, "since"))
                    .as(bad)
                    .isInstanceOfSatisfying(MatrixException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAM);
                        assertThat(e.httpStatus()).isEqualTo(400);
                    });
        }
    }
}
