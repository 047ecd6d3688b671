package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The member events {@code /sync} already sent to each device, so that with {@code lazy_load_members} and
 * {@code include_redundant_members: false} (the default) a room's {@code state} leaves out those the device has
 * (the spec's "Lazy-loading room members": the server SHOULD track which member events it sent to which device and
 * not send them again). Synapse's {@code lazy_loaded_members_cache}, keyed by room as well as by member.
 *
 * <p>In memory and bounded: the {@code maxDevices} devices that synced most recently, and for each the
 * {@code maxMembersPerDevice} (room, member) pairs sent or left out most recently; what falls out is sent again,
 * which the spec allows. An initial sync (no {@code since}) starts the device's record afresh, as the client starts
 * from nothing; so does a sync from a {@code since} this process did not see the device at (its syncs went to
 * another syncapi process meanwhile, which may have seen an initial sync).
 *
 * <p>A member event counts as the device's only once the device syncs from the {@code next_batch} of the response
 * that carried it: a response that was computed but never arrived (a dropped connection) leaves the client's next
 * {@code since} elsewhere, so the member event is sent again (Synapse relies on its response cache instead).
 */
public final class LazyLoadedMembers {
    /** The devices remembered: beyond it, the one that synced least recently is forgotten. */
    public static final int DEFAULT_MAX_DEVICES = 2_000;
    /** The member events remembered per device, over all its rooms (Synapse keeps 100 too). */
    public static final int DEFAULT_MAX_MEMBERS_PER_DEVICE = 100;

    private final int maxDevices;
    private final int maxMembersPerDevice;
    private final LinkedHashMap<DeviceKey, DeviceRecord> devices;

    public LazyLoadedMembers() {
        this(DEFAULT_MAX_DEVICES, DEFAULT_MAX_MEMBERS_PER_DEVICE);
    }

    public LazyLoadedMembers(int maxDevices, int maxMembersPerDevice) {
        if (maxDevices < 1 || maxMembersPerDevice < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxDevices = maxDevices;
        this.maxMembersPerDevice = maxMembersPerDevice;
        this.devices = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DeviceKey, DeviceRecord> eldest) {
                return size() > LazyLoadedMembers.this.maxDevices;
            }
        };
    }

    /**
     * What one {@code /sync} of {@code device} leaves out and records.
     *
     * @param since the events position of the request's {@code since}; empty for an initial sync, which forgets
     *     what the device was sent before
     * @param position the events position of the response ({@code next_batch})
     */
    public SentMembers sync(AuthenticatedDevice device, Optional<Long> since, long position) {
        requireNonNull(since, "since is null");
        DeviceKey key = new DeviceKey(device.userId().value(), device.deviceId().value());
        DeviceRecord record;
        synchronized (devices) {
            record = since.isEmpty() ? null : devices.get(key);
            if (record == null || !record.continues(since.get())) {
                record = new DeviceRecord(maxMembersPerDevice);
                devices.put(key, record);
            }
        }
        record.syncing(since, position);
        return new Tracked(record, position);
    }

    /** How many devices are remembered (for tests). */
    int devices() {
        synchronized (devices) {
            return devices.size();
        }
    }

    /** The member events one {@code /sync} response may leave out, and where it notes those it sends. */
    public interface SentMembers {
        /** Sends every member event and records nothing: {@code include_redundant_members: true}. */
        SentMembers ALL = new SentMembers() {
            @Override
            public boolean alreadySent(String roomId, String stateKey, String eventId) {
                return false;
            }

            @Override
            public void sent(String roomId, String stateKey, String eventId) {}
        };

        /**
         * Whether the device already has this member event: sent, with the same event ID, in a response the device
         * then synced from. A changed member event (new membership, display name,
         * avatar) has a new ID and is sent.
         */
        boolean alreadySent(String roomId, String stateKey, String eventId);

        /** Notes a member event this response sends (in {@code state} or the timeline). */
        void sent(String roomId, String stateKey, String eventId);
    }

    private record DeviceKey(String userId, String deviceId) {}

    private record Member(String roomId, String stateKey) {}

    /**
     * A member event sent: {@code confirmed} once the device synced from the response that carried it, at events
     * position {@code position}.
     */
    private record Delivery(String eventId, long position, boolean confirmed) {}

    /** One device's member events, least recently used first. */
    private static final class DeviceRecord {
        /** The positions of the device's latest syncs here ({@code since} and {@code next_batch}). */
        private static final int RECENT_POSITIONS = 16;

        private final LinkedHashMap<Member, Delivery> members;
        private final ArrayDeque<Long> recent = new ArrayDeque<>();

        DeviceRecord(int max) {
            this.members = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Member, Delivery> eldest) {
                    return size() > max;
                }
            };
        }

        synchronized Delivery get(Member member) {
            return members.get(member);
        }

        /**
         * Notes a member event sent by the response at {@code position}; one the device already has stays
         * confirmed.
         */
        synchronized void sent(Member member, String eventId, long position) {
            Delivery before = members.get(member);
            if (before == null || !before.confirmed() || !before.eventId().equals(eventId)) {
                members.put(member, new Delivery(eventId, position, false));
            }
        }

        /**
         * Whether a sync from {@code since} continues the device's syncs here. One that does not (its previous
         * syncs went to another process, which may have seen an initial sync) starts afresh, so that what this
         * process noted is never taken as something the client still has.
         */
        synchronized boolean continues(long since) {
            return recent.contains(since);
        }

        /**
         * The device syncs from {@code since} (it got the response at that position and what it carried), and is
         * answered at {@code position}.
         */
        synchronized void syncing(Optional<Long> since, long position) {
            since.ifPresent(from -> {
                members.replaceAll((member, delivery) -> !delivery.confirmed() && delivery.position() == from
                        ? new Delivery(delivery.eventId(), from, true)
                        : delivery);
                remember(from);
            });
            remember(position);
        }

        private void remember(long position) {
            if (!recent.contains(position)) {
                recent.addLast(position);
                if (recent.size() > RECENT_POSITIONS) {
                    recent.removeFirst();
                }
            }
        }
    }

    private record Tracked(DeviceRecord record, long position) implements SentMembers {
        @Override
        public boolean alreadySent(String roomId, String stateKey, String eventId) {
            Delivery delivery = record.get(new Member(roomId, stateKey));
            return delivery != null
                    && delivery.confirmed()
                    && delivery.eventId().equals(eventId);
        }

        @Override
        public void sent(String roomId, String stateKey, String eventId) {
            record.sent(new Member(roomId, stateKey), eventId, position);
        }
    }
}
