package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

class SyncTokenTest {

    @Test
    void roundTripsOnePositionPerStreamInTheirOrder() {
        assertThat(SyncToken.of(42, 7, 3).toString()).startsWith("s42_7_3");
        long[] positions = new long[SyncStream.values().length];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = 10 + i;
        }
        SyncToken every = SyncToken.of(positions);
        assertThat(every.toString().split("_")).hasSize(positions.length);
        assertThat(SyncToken.parse(every.toString(), "since")).isEqualTo(every);
        for (SyncStream stream : SyncStream.values()) {
            assertThat(every.position(stream)).isEqualTo(10 + stream.ordinal());
        }
        // The events part is a room events token as /messages and /members read it.
        assertThat(StreamToken.parse(SyncToken.of(42, 7).toString(), "from")).isEqualTo(new StreamToken(42));
    }

    @Test
    void readsOldTokensFromTheStartOfTheirMissingStreamsAndIgnoresNewerParts() {
        assertThat(SyncToken.parse("s42", "since")).isEqualTo(SyncToken.of(42, 0, 0));
        assertThat(SyncToken.parse("s42_7", "since")).isEqualTo(SyncToken.of(42, 7, 0));
        // A newer instance's token: one part more than this version has streams.
        String newer = SyncToken.of(42, 7, 19) + "_3";
        assertThat(SyncToken.parse(newer, "since")).isEqualTo(SyncToken.of(42, 7, 19));
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
