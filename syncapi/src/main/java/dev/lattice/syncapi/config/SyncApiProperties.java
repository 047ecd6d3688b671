package dev.lattice.syncapi.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The syncapi's settings, under {@code lattice.syncapi.*}.
 *
 * @param maxSyncTimeout the longest a {@code /sync} long-poll waits, whatever {@code timeout} the client asks for:
 *     30 s by default, what Element asks for, and well inside the 60 s read timeout of common reverse proxies
 * @param presenceEnabled whether presence is tracked and sent (on by default, as in Synapse); off saves a write per
 *     user every few seconds on large servers
 * @param slidingSyncConnectionExpiry how long a Simplified Sliding Sync connection may go unused before it is deleted
 *     (its client then gets {@code M_UNKNOWN_POS} and begins anew): 7 days by default, as Synapse
 * @param onlyProcess whether this is the only process serving the syncapi, so the one that stores every change and
 *     wakes the long-polls it concerns (the all-in-one with its embedded broker sets it): a long-poll for which
 *     nothing was signalled since its token then waits without reading the database first, and the state at each
 *     room's newest event (what its push actions are computed from) is remembered between writes of the state
 */
@ConfigurationProperties("lattice.syncapi")
public record SyncApiProperties(
        @DefaultValue("30s") Duration maxSyncTimeout,
        @DefaultValue("true") boolean presenceEnabled,
        @DefaultValue("7d") Duration slidingSyncConnectionExpiry,
        @DefaultValue("false") boolean onlyProcess) {}
