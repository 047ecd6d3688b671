package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToDeviceAcknowledgementsTest {

    @Test
    void aSinceAtOrBelowTheDeletedThroughPositionNeedsNoDelete() {
        ToDeviceAcknowledgements acknowledgements = new ToDeviceAcknowledgements(10);
        assertThat(acknowledgements.deleted("@a:x", "PHONE", 5)).isFalse();
        acknowledgements.noteDeleted("@a:x", "PHONE", 5);
        assertThat(acknowledgements.deleted("@a:x", "PHONE", 5)).isTrue();
        assertThat(acknowledgements.deleted("@a:x", "PHONE", 3)).isTrue();
        assertThat(acknowledgements.deleted("@a:x", "PHONE", 6)).isFalse();
        assertThat(acknowledgements.deleted("@a:x", "LAPTOP", 5)).isFalse();
        assertThat(acknowledgements.deleted("@b:x", "PHONE", 5)).isFalse();
    }

    @Test
    void anOlderDeleteNeverLowersThePosition() {
        ToDeviceAcknowledgements acknowledgements = new ToDeviceAcknowledgements(10);
        acknowledgements.noteDeleted("@a:x", "PHONE", 8);
        acknowledgements.noteDeleted("@a:x", "PHONE", 4); // a slower concurrent sync from an older since
        assertThat(acknowledgements.deleted("@a:x", "PHONE", 8)).isTrue();
    }

    @Test
    void theLeastRecentlyUsedDeviceIsForgottenAndDeletedForAgain() {
        ToDeviceAcknowledgements acknowledgements = new ToDeviceAcknowledgements(2);
        acknowledgements.noteDeleted("@a:x", "ONE", 1);
        acknowledgements.noteDeleted("@a:x", "TWO", 1);
        assertThat(acknowledgements.deleted("@a:x", "ONE", 1)).isTrue(); // ONE is now the most recently used
        acknowledgements.noteDeleted("@a:x", "THREE", 1);
        assertThat(acknowledgements.deleted("@a:x", "TWO", 1)).isFalse();
        assertThat(acknowledgements.deleted("@a:x", "ONE", 1)).isTrue();
        assertThat(acknowledgements.deleted("@a:x", "THREE", 1)).isTrue();
    }
}
