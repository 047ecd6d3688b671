package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.federationapi.internal.ServerDiscovery.SrvRecord;
import dev.lattice.federationapi.internal.ServerDiscovery.SrvTarget;
import dev.lattice.protocol.id.ServerName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerDiscoveryTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static Optional<ResolvedServer> direct(String name) {
        return ServerDiscovery.direct(ServerName.parse(name));
    }

    @Test
    void ipLiteralsAndExplicitPortsNeedNoLookup() {
        assertThat(direct("1.2.3.4")).contains(new ResolvedServer("1.2.3.4", 8448, "1.2.3.4", "1.2.3.4"));
        assertThat(direct("1.2.3.4:1234")).contains(new ResolvedServer("1.2.3.4", 1234, "1.2.3.4:1234", "1.2.3.4"));
        assertThat(direct("[::1]")).contains(new ResolvedServer("::1", 8448, "[::1]", "::1"));
        assertThat(direct("[2001:db8::1]:99"))
                .contains(new ResolvedServer("2001:db8::1", 99, "[2001:db8::1]:99", "2001:db8::1"));
        assertThat(direct("example.org:8449"))
                .contains(new ResolvedServer("example.org", 8449, "example.org:8449", "example.org"));
        assertThat(direct("example.org")).isEmpty();
    }

    @Test
    void srvNamesTheNewServiceFirst() {
        assertThat(ServerDiscovery.srvNames("example.org"))
                .containsExactly("_matrix-fed._tcp.example.org", "_matrix._tcp.example.org");
    }

    @Test
    void anSrvTargetIsConnectedToButTheNameKeepsHostAndCertificate() {
        assertThat(ServerDiscovery.afterSrv("example.org", List.of(new SrvTarget("matrix.example.net", 443))))
                .isEqualTo(new ResolvedServer("matrix.example.net", 443, "example.org", "example.org"));
        assertThat(ServerDiscovery.afterSrv("example.org", List.of()))
                .isEqualTo(new ResolvedServer("example.org", 8448, "example.org", "example.org"));
    }

    @Test
    void parsesWellKnownDelegations() {
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("{\"m.server\": \"matrix.example.org:443\"}")))
                .contains(ServerName.parse("matrix.example.org:443"));
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("{\"m.server\": \"[::1]\"}")))
                .contains(ServerName.parse("[::1]"));
        assertThat(ServerDiscovery.parseWellKnown(404, bytes("{\"m.server\": \"a.example\"}")))
                .isEmpty();
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("not json"))).isEmpty();
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("[]"))).isEmpty();
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("{}"))).isEmpty();
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("{\"m.server\": 1}")))
                .isEmpty();
        assertThat(ServerDiscovery.parseWellKnown(200, bytes("{\"m.server\": \"bad name!\"}")))
                .isEmpty();
        byte[] huge = bytes("{\"m.server\": \"a.example\", \"pad\": \"" + "x".repeat(60_000) + "\"}");
        assertThat(ServerDiscovery.parseWellKnown(200, huge)).isEmpty();
    }

    @Test
    void cachesWellKnownAnswersWithinTheSpecsBounds() {
        assertThat(ServerDiscovery.wellKnownCachePeriod(Optional.empty(), Optional.empty(), NOW))
                .isEqualTo(Duration.ofHours(24));
        assertThat(ServerDiscovery.wellKnownCachePeriod(Optional.of("public, max-age=7200"), Optional.empty(), NOW))
                .isEqualTo(Duration.ofHours(2));
        assertThat(ServerDiscovery.wellKnownCachePeriod(Optional.of("max-age=999999999"), Optional.empty(), NOW))
                .isEqualTo(Duration.ofHours(48));
        assertThat(ServerDiscovery.wellKnownCachePeriod(Optional.of("max-age=0"), Optional.empty(), NOW))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(ServerDiscovery.wellKnownCachePeriod(Optional.of("no-store, max-age=7200"), Optional.empty(), NOW))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(ServerDiscovery.wellKnownCachePeriod(
                        Optional.empty(), Optional.of("Fri, 04 Dec 2026 18:00:00 GMT"), NOW))
                .isEqualTo(Duration.ofHours(6));
        // max-age wins over Expires; an unreadable Expires means already expired.
        assertThat(ServerDiscovery.wellKnownCachePeriod(
                        Optional.of("max-age=3600"), Optional.of("Fri, 04 Dec 2026 18:00:00 GMT"), NOW))
                .isEqualTo(Duration.ofHours(1));
        assertThat(ServerDiscovery.wellKnownCachePeriod(Optional.empty(), Optional.of("soon"), NOW))
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void backsOffExponentiallyUpToAnHour() {
        assertThat(ServerDiscovery.wellKnownFailureBackoff(1)).isEqualTo(Duration.ofMinutes(2));
        assertThat(ServerDiscovery.wellKnownFailureBackoff(2)).isEqualTo(Duration.ofMinutes(4));
        assertThat(ServerDiscovery.wellKnownFailureBackoff(5)).isEqualTo(Duration.ofMinutes(32));
        assertThat(ServerDiscovery.wellKnownFailureBackoff(6)).isEqualTo(Duration.ofHours(1));
        assertThat(ServerDiscovery.wellKnownFailureBackoff(500)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void picksTheLowestPriorityThenByWeight() {
        List<SrvRecord> records = List.of(
                new SrvRecord(20, 100, 1, "backup.example"),
                new SrvRecord(10, 0, 2, "light.example"),
                new SrvRecord(10, 9, 3, "heavy.example"));
        // Candidates at priority 10 sorted by weight: light (1 slot), heavy (10 slots).
        assertThat(ServerDiscovery.orderSrv(records, bound -> 0)).first().isEqualTo(new SrvTarget("light.example", 2));
        assertThat(ServerDiscovery.orderSrv(records, bound -> Math.min(1, bound - 1)))
                .first()
                .isEqualTo(new SrvTarget("heavy.example", 3));
        assertThat(ServerDiscovery.orderSrv(records, bound -> bound - 1))
                .first()
                .isEqualTo(new SrvTarget("heavy.example", 3));
        assertThat(ServerDiscovery.orderSrv(List.of(), bound -> 0)).isEmpty();
        assertThat(ServerDiscovery.orderSrv(List.of(new SrvRecord(0, 0, 0, ".")), bound -> 0))
                .isEmpty();
    }

    @Test
    void ordersEveryTargetByPriorityThenByWeightedPicks() {
        List<SrvRecord> records = List.of(
                new SrvRecord(20, 100, 1, "backup.example"),
                new SrvRecord(10, 0, 2, "light.example"),
                new SrvRecord(10, 9, 3, "heavy.example"),
                new SrvRecord(30, 0, 4, "."));
        // Always the first slot: light (the lighter record comes first in the slots), then heavy, then the backup.
        assertThat(ServerDiscovery.orderSrv(records, bound -> 0))
                .containsExactly(
                        new SrvTarget("light.example", 2),
                        new SrvTarget("heavy.example", 3),
                        new SrvTarget("backup.example", 1));
        // Always the last slot: heavy first; light is what is left at that priority.
        assertThat(ServerDiscovery.orderSrv(records, bound -> bound - 1))
                .containsExactly(
                        new SrvTarget("heavy.example", 3),
                        new SrvTarget("light.example", 2),
                        new SrvTarget("backup.example", 1));
        assertThat(ServerDiscovery.afterSrv("example.org", ServerDiscovery.orderSrv(records, bound -> 0)))
                .isEqualTo(new ResolvedServer(
                        "light.example",
                        2,
                        "example.org",
                        "example.org",
                        List.of(new SrvTarget("heavy.example", 3), new SrvTarget("backup.example", 1))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
