package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.syncapi.DirectToDevice;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.syncapi.internal.ToDeviceSender;
import reactor.core.publisher.Mono;

/** Other servers' users' to-device messages to ours ({@code todevice}, from the federation-api), into the inboxes. */
public final class ToDeviceConsumer {
    private final ToDeviceSender toDevice;

    public ToDeviceConsumer(ToDeviceSender toDevice) {
        this.toDevice = requireNonNull(toDevice, "toDevice is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return VersionedRecords.handle(record, DirectToDevice.VERSION, DirectToDevice.class, toDevice::receive);
    }
}
