package dev.lattice.runtime.http;

import reactor.core.publisher.Mono;

/** One dependency {@code /_lattice/health} checks: completes when healthy, fails with the reason otherwise. */
public interface HealthCheck {
    /** A short name for the report, e.g. {@code postgres}. */
    String name();

    Mono<Void> check();
}
