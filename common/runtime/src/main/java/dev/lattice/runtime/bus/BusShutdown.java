package dev.lattice.runtime.bus;

import static java.util.Objects.requireNonNull;

import org.springframework.context.SmartLifecycle;

/**
 * Stops the process's bus consumers side by side at shutdown ({@link Bus#closeConsumers}), once the HTTP listeners
 * have stopped (a lower phase stops later): a request still being answered during the graceful shutdown may wait for
 * a verdict a tail delivers. Without this, Spring closes each consumer's bean on its own, one after another, and each
 * waits for its fetch in flight (up to {@code fetch.max.wait.ms}, 2 s): eight seconds for the all-in-one's sixteen
 * with Kafka's default of 500 ms (bench/RESULTS.md), one such wait now.
 */
public final class BusShutdown implements SmartLifecycle {
    private final Bus bus;
    private volatile boolean running;

    public BusShutdown(Bus bus) {
        this.bus = requireNonNull(bus, "bus is null");
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        bus.closeConsumers();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the listeners: the web servers stop at {@code Integer.MAX_VALUE - 2048}, the federation one at - 4096. */
    @Override
    public int getPhase() {
        return 0;
    }
}
