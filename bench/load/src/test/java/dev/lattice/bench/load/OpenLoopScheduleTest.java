package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    @Test
    void messagesAreDueAtFixedIntervalsFromTheStart() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(1_000, 4);

        assertThat(schedule.dueNanos(0)).isEqualTo(1_000);
        assertThat(schedule.dueNanos(1)).isEqualTo(1_000 + 250_000_000);
        assertThat(schedule.dueNanos(8)).isEqualTo(1_000 + 2_000_000_000L);
    }

    @Test
    void dueTimesDoNotDriftOverALongRun() {
        // 3 per second is not a whole number of nanoseconds apart; the schedule must not accumulate the rounding
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 3);

        assertThat(schedule.dueNanos(3 * 3600)).isEqualTo(Duration.ofHours(1).toNanos());
    }

    @Test
    void aRunHoldsRateTimesDurationMessages() {
        assertThat(new OpenLoopSchedule(0, 250)
                        .messagesWithin(Duration.ofSeconds(60).toNanos()))
                .isEqualTo(15_000);
        assertThat(new OpenLoopSchedule(0, 2.5)
                        .messagesWithin(Duration.ofSeconds(1).toNanos()))
                .as("messages 0, 1 and 2 fall due at 0, 0.4 and 0.8 s")
                .isEqualTo(3);
    }

    @Test
    void rateMustBePositive() {
        assertThatThrownBy(() -> new OpenLoopSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopSchedule(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
