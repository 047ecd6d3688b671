package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.bench.load.DeliveryLedger.Tally;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
    private static final long MS = 1_000_000;

    private final DeliveryLedger ledger = new DeliveryLedger();

    @Test
    void everyMessageSeenOnceByEveryObserverIsExactlyOnce() {
        ledger.acknowledged(0, "$a", List.of(1, 2), 0, 10 * MS, true);
        ledger.acknowledged(1, "$b", List.of(1, 2), 5 * MS, 20 * MS, true);
        ledger.seen(0, "$a", 1, 13 * MS);
        ledger.seen(0, "$a", 2, 14 * MS);
        ledger.seen(1, "$b", 1, 30 * MS);
        ledger.seen(1, "$b", 2, 60 * MS);

        Tally tally = ledger.tally();

        assertThat(tally.exactlyOnce()).isTrue();
        assertThat(tally.expectedDeliveries()).isEqualTo(4);
        assertThat(tally.delivered()).isEqualTo(4);
        assertThat(tally.syncLatency()).isEqualTo(new Percentiles(4, 4 * MS, 40 * MS, 40 * MS, 40 * MS));
        assertThat(tally.sendLatency()).isEqualTo(new Percentiles(2, 10 * MS, 15 * MS, 15 * MS, 15 * MS));
        assertThat(ledger.pendingDeliveries()).isZero();
    }

    @Test
    void aMessageNeverSeenIsMissingAndPending() {
        ledger.acknowledged(0, "$a", List.of(1, 2), 0, 0, true);
        ledger.seen(0, "$a", 1, MS);

        Tally tally = ledger.tally();

        assertThat(tally.exactlyOnce()).isFalse();
        assertThat(tally.missing()).isEqualTo(1);
        assertThat(tally.delivered()).isEqualTo(1);
        assertThat(ledger.pendingDeliveries()).isEqualTo(1);
    }

    @Test
    void aMessageSeenTwiceBySameObserverIsADuplicateAndTheFirstSightingCounts() {
        ledger.acknowledged(0, "$a", List.of(1), 0, 0, true);
        ledger.seen(0, "$a", 1, 7 * MS);
        ledger.seen(0, "$a", 1, 3 * MS); // sync loops record as answers arrive, not necessarily in order

        Tally tally = ledger.tally();

        assertThat(tally.duplicates()).isEqualTo(1);
        assertThat(tally.delivered()).isEqualTo(1);
        assertThat(tally.syncLatency().max()).isEqualTo(3 * MS);
        assertThat(tally.exactlyOnce()).isFalse();
    }

    @Test
    void aSightingBeforePutReturnedIsDeliveredWithZeroLatency() {
        ledger.seen(0, "$a", 1, 5 * MS); // the sync answer raced ahead of the PUT answer
        ledger.acknowledged(0, "$a", List.of(1), 0, 9 * MS, true);

        Tally tally = ledger.tally();

        assertThat(tally.exactlyOnce()).isTrue();
        assertThat(tally.seenBeforeAck()).isEqualTo(1);
        assertThat(tally.syncLatency().max()).isZero();
    }

    @Test
    void anotherEventCarryingTheSameMessageIsNotADelivery() {
        ledger.acknowledged(0, "$a", List.of(1), 0, 0, true);
        ledger.seen(0, "$other", 1, MS);

        Tally tally = ledger.tally();

        assertThat(tally.wrongEventId()).isEqualTo(1);
        assertThat(tally.delivered()).isZero();
        assertThat(tally.exactlyOnce()).isFalse();
    }

    @Test
    void failedSendsAreNotExpectedButTheirEventsAreReportedIfSeen() {
        ledger.failed();
        ledger.seen(5, "$ghost", 1, MS);
        ledger.skipped();

        Tally tally = ledger.tally();

        assertThat(tally.failedSends()).isEqualTo(1);
        assertThat(tally.skippedSends()).isEqualTo(1);
        assertThat(tally.expectedDeliveries()).isZero();
        assertThat(tally.unacknowledgedSeen()).isEqualTo(1);
        assertThat(ledger.pendingDeliveries()).isZero();
    }

    @Test
    void warmUpMessagesCountForCorrectnessButNotForLatency() {
        ledger.acknowledged(0, "$warm", List.of(1), 0, 0, false);
        ledger.acknowledged(1, "$measured", List.of(1), 0, 0, true);
        ledger.seen(0, "$warm", 1, 500 * MS);
        ledger.seen(1, "$measured", 1, 2 * MS);

        Tally tally = ledger.tally();

        assertThat(tally.acknowledged()).isEqualTo(2);
        assertThat(tally.measured()).isEqualTo(1);
        assertThat(tally.delivered()).isEqualTo(2);
        assertThat(tally.syncLatency()).isEqualTo(new Percentiles(1, 2 * MS, 2 * MS, 2 * MS, 2 * MS));
    }

    @Test
    void sightingsByNonObserversAreIgnored() {
        ledger.acknowledged(0, "$a", List.of(1), 0, 0, true);
        ledger.seen(0, "$a", 1, MS);
        ledger.seen(0, "$a", 0, MS); // the sender's own echo

        assertThat(ledger.tally().exactlyOnce()).isTrue();
    }
}
