package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LazyLoadedMembersTest {
    private static final AuthenticatedDevice PHONE = device("@alice:x", "PHONE");
    private static final AuthenticatedDevice LAPTOP = device("@alice:x", "LAPTOP");

    @Test
    void aMemberEventCountsAsSentOnceTheDeviceSyncsFromTheResponseThatCarriedIt() {
        LazyLoadedMembers members = new LazyLoadedMembers();
        members.sync(PHONE, Optional.empty(), 10).sent("!r:x", "@bob:x", "$join");
        LazyLoadedMembers.SentMembers next = members.sync(PHONE, Optional.of(10L), 12);
        assertThat(next.alreadySent("!r:x", "@bob:x", "$join")).isTrue();
        assertThat(next.alreadySent("!r:x", "@bob:x", "$rename"))
                .as("a changed member event")
                .isFalse();
        assertThat(next.alreadySent("!other:x", "@bob:x", "$join"))
                .as("another room")
                .isFalse();
        assertThat(members.sync(LAPTOP, Optional.of(10L), 12).alreadySent("!r:x", "@bob:x", "$join"))
                .as("another device")
                .isFalse();
    }

    @Test
    void aResponseTheDeviceNeverSyncedFromDoesNotCount() {
        LazyLoadedMembers members = new LazyLoadedMembers();
        members.sync(PHONE, Optional.of(5L), 10).sent("!r:x", "@bob:x", "$join");
        // The response at 10 was lost: the client syncs from 5 again, then from 11.
        assertThat(members.sync(PHONE, Optional.of(5L), 11).alreadySent("!r:x", "@bob:x", "$join"))
                .isFalse();
        assertThat(members.sync(PHONE, Optional.of(11L), 12).alreadySent("!r:x", "@bob:x", "$join"))
                .isFalse();
    }

    @Test
    void anInitialSyncForgetsWhatTheDeviceWasSent() {
        LazyLoadedMembers members = new LazyLoadedMembers();
        members.sync(PHONE, Optional.of(5L), 10).sent("!r:x", "@bob:x", "$join");
        members.sync(PHONE, Optional.of(10L), 10);
        members.sync(PHONE, Optional.empty(), 20);
        assertThat(members.sync(PHONE, Optional.of(20L), 21).alreadySent("!r:x", "@bob:x", "$join"))
                .isFalse();
    }

    @Test
    void aSyncFromAPositionThisProcessDidNotSeeTheDeviceAtStartsAfresh() {
        LazyLoadedMembers members = new LazyLoadedMembers();
        members.sync(PHONE, Optional.of(5L), 10).sent("!r:x", "@bob:x", "$join");
        members.sync(PHONE, Optional.of(10L), 11);
        // The device's syncs went elsewhere meanwhile (another process, maybe an initial sync there).
        assertThat(members.sync(PHONE, Optional.of(30L), 31).alreadySent("!r:x", "@bob:x", "$join"))
                .isFalse();
    }

    @Test
    void memoryIsBoundedByDevicesAndMembersPerDevice() {
        LazyLoadedMembers members = new LazyLoadedMembers(2, 2);
        LazyLoadedMembers.SentMembers phone = members.sync(PHONE, Optional.empty(), 1);
        phone.sent("!r:x", "@a:x", "$a");
        phone.sent("!r:x", "@b:x", "$b");
        phone.sent("!r:x", "@c:x", "$c");
        LazyLoadedMembers.SentMembers next = members.sync(PHONE, Optional.of(1L), 2);
        assertThat(next.alreadySent("!r:x", "@a:x", "$a"))
                .as("the least recently used")
                .isFalse();
        assertThat(next.alreadySent("!r:x", "@c:x", "$c")).isTrue();

        members.sync(LAPTOP, Optional.empty(), 3);
        members.sync(device("@carol:x", "TABLET"), Optional.empty(), 3);
        assertThat(members.devices()).isEqualTo(2);
        assertThat(members.sync(PHONE, Optional.of(2L), 4).alreadySent("!r:x", "@c:x", "$c"))
                .as("the device that synced least recently is forgotten")
                .isFalse();
    }

    private static AuthenticatedDevice device(String user, String device) {
        return new AuthenticatedDevice(UserId.parse(user), DeviceId.parse(device), false, Optional.empty());
    }
}
