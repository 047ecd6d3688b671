package dev.lattice.federationapi.config;

import dev.lattice.runtime.net.IpRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The federation-api's settings, under {@code lattice.federationapi.*}. The listener itself (port, certificate) is
 * configured under {@code lattice.federation.*}.
 *
 * @param trustedCaCertificates PEM files of CA certificates trusted for outbound federation in addition to the
 *     JDK's (a private CA, or test servers' certificates); certificate checks are never switched off
 * @param notaries servers asked for another server's keys when that server does not answer itself
 * @param requestTimeout how long one outbound request (connect, TLS, response) may take
 * @param ipRangeBlocklist address ranges outbound federation never connects to, whatever DNS or a
 *     {@code .well-known} says: by default {@link IpRange#NON_PUBLIC} (loopback, private, link-local and other
 *     non-public ranges), so that the unauthenticated notary endpoints cannot be used to reach
 *     internal services. Set it empty only for tests or closed networks
 * @param dnsServer the DNS server ({@code host:port}, or a host for port 53) that answers the SRV, AAAA and A
 *     lookups of server discovery; the system's resolvers when empty
 * @param inboundConcurrentPerOrigin how many requests of one other server are handled at once (Synapse's
 *     {@code federation_rc_concurrent}); more wait in order
 * @param inboundQueuedPerOrigin how many more may wait before one is refused with 429 {@code M_LIMIT_EXCEEDED}
 *     (Synapse's {@code federation_rc_reject_limit})
 * @param partialStateJoins whether joins to other servers' rooms ask for the state without the members
 *     ({@code omit_members}, "faster joins"): usable at once, the members fetched in the background (on by default, as
 *     in Synapse)
 * @param onlyProcess whether this is the only process serving the federation-api (the all-in-one), so the one that
 *     consumes every room's {@code roomserver.output} records: the rooms' joined servers are then remembered between
 *     their state changes instead of read for every event sent
 */
@ConfigurationProperties("lattice.federationapi")
public record FederationApiProperties(
        @DefaultValue List<Path> trustedCaCertificates,
        @DefaultValue List<Notary> notaries,
        @DefaultValue("30s") Duration requestTimeout,

        List<String> ipRangeBlocklist,

        String dnsServer,
        @DefaultValue("3") int inboundConcurrentPerOrigin,
        @DefaultValue("50") int inboundQueuedPerOrigin,
        @DefaultValue("true") boolean partialStateJoins,
        @DefaultValue("false") boolean onlyProcess) {

    public FederationApiProperties {
        trustedCaCertificates = List.copyOf(trustedCaCertificates);
        ipRangeBlocklist = ipRangeBlocklist == null
                ? IpRange.NON_PUBLIC
                : ipRangeBlocklist.stream().filter(r -> !r.isBlank()).toList();
        notaries = List.copyOf(notaries);
    }

    /**
     * A notary (Synapse's {@code trusted_key_servers}).
     *
     * @param serverName the notary's server name
     * @param verifyKeys the notary's keys, key ID to unpadded base64; when given, every answer must be signed by
     *     one of them. NOTSPEC: when empty, answers are trusted on the strength of the TLS connection alone, as
     *     Synapse does for a trusted key server configured without keys
     */
    public record Notary(String serverName, @DefaultValue Map<String, String> verifyKeys) {
        public Notary {
            verifyKeys = Map.copyOf(verifyKeys);
        }
    }
}
