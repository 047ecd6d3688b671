package dev.lattice.roomserver.producers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import reactor.core.publisher.Mono;

/** The producer of {@code roomserver.verdicts}: a verdict for the instance waiting for it, keyed by its ID. */
public final class VerdictProducer {
    private final Bus bus;

    public VerdictProducer(Bus bus) {
        this.bus = requireNonNull(bus, "bus is null");
    }

    public Mono<Void> publish(String replyTo, InputVerdict verdict) {
        return bus.publish(Topics.ROOMSERVER_VERDICTS, replyTo, BusJson.encode(verdict));
    }
}
