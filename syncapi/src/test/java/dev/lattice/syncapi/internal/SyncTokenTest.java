package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

class SyncTokenTest {

    @Test
    void roundTripsEventsThenAccountData() {
        assertThat(new SyncToken(42, 7).toString()).isEqualTo("s42_7");
        assertThat(SyncToken.parse("s42_7", "since")).isEqualTo(new SyncToken(42, 7));
        // The events part is a room events token as /messages and /members read it.
        assertThat(StreamToken.parse(new SyncToken(42, 7).toString(), "from")).isEqualTo(new StreamToken(42));
    }

    @Test
    void readsOldTokensFromTheStartOfTheAccountDataStreamAndIgnoresNewerParts() {
        assertThat(SyncToken.parse("s42", "since")).isEqualTo(new SyncToken(42, 0));
        assertThat(SyncToken.parse("s42_7_19_3", "since")).isEqualTo(new SyncToken(42, 7));
    }

    @Test
    void refusesWhatItDidNotWrite() {
        for (String bad :
                new String[] {"", "s", "t42_1", "s4x_1", "s42_", "s42_x", "s42_-1", "s42_99999999999999999999"}) {
            assertThatThrownBy(() -> SyncToken.parse(bad, "since"))
                    .as(bad)
                    .isInstanceOfSatisfying(MatrixException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAM);
                        assertThat(e.httpStatus()).isEqualTo(400);
                    });
        }
    }
}
