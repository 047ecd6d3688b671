package dev.lattice.runtime.config;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.StartupException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything an operator configures, under {@code lattice.*} in {@code lattice.yaml}; each key can be overridden by
 * an environment variable ({@code lattice.kafka.bootstrap-servers} by {@code LATTICE_KAFKA_BOOTSTRAPSERVERS}).
 *
 * @param serverName the Matrix server name, the part after the colon in {@code @alice:example.org}
 * @param dataDir where the embedded PostgreSQL, Kafka, the signing key and the TLS certificate live
 * @param client the client-server API listener and what {@code /.well-known/matrix/client} announces
 * @param federation the server-server API listener
 * @param database PostgreSQL; embedded under {@code dataDir/postgres} when {@code host} is empty
 * @param kafka the bus; embedded under {@code dataDir/kafka} when {@code bootstrapServers} is empty
 * @param metrics the management listener with Prometheus metrics at {@code /metrics}
 * @param signingKeyPath the Ed25519 signing key, Synapse's format; generated on first start when absent
 */
@ConfigurationProperties("lattice")
public record LatticeProperties(
        @DefaultValue("localhost") String serverName,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Client client,
        @DefaultValue Federation federation,
        @DefaultValue Database database,
        @DefaultValue Kafka kafka,
        @DefaultValue Metrics metrics,
        Path signingKeyPath) {

    public LatticeProperties {
        try {
            ServerName.parse(serverName);
        } catch (RuntimeException e) {
            throw new StartupException(
                    "lattice.server-name '" + serverName + "' is not a valid server name: " + e.getMessage(), e);
        }
    }

    /** The signing key file: {@code signingKeyPath}, or {@code signing.key} in the data directory. */
    public Path signingKeyFile() {
        return signingKeyPath != null ? signingKeyPath : dataDir.resolve("signing.key");
    }

    /**
     * @param port the plain-HTTP port clients reach (behind a TLS proxy in production)
     * @param bindAddress the address the client listener binds
     * @param publicBaseUrl what {@code /.well-known/matrix/client} announces; derived from the server name if empty
     */
    public record Client(
            @DefaultValue("8008") int port,
            @DefaultValue("0.0.0.0") String bindAddress,
            String publicBaseUrl) {}

    /**
     * @param port the management port serving {@code /metrics} (Prometheus) and {@code /health}
     * @param bindAddress loopback by default: metrics are for the operator's scraper, not the world
     */
    public record Metrics(
            @DefaultValue("9008") int port,
            @DefaultValue("127.0.0.1") String bindAddress) {}

    /**
     * @param enabled whether this process opens the federation listener at all
     * @param port the HTTPS port other servers reach
     * @param bindAddress the address the federation listener binds
     * @param tlsCertificate a PEM certificate chain; a self-signed one is generated in the data directory if empty
     * @param tlsPrivateKey the PEM private key for {@code tlsCertificate}
     * @param delegatedServer what {@code /.well-known/matrix/server} announces; {@code serverName:port} if empty
     * @param keyValidity how long the published signing key is valid for (capped at 7 days by the spec)
     * @param oldVerifyKeys the server's earlier signing keys, published under {@code old_verify_keys} so that other
     *     servers can still check the events they signed (key rotation: the signing key file holds the new key)
     */
    public record Federation(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("8448") int port,
            @DefaultValue("0.0.0.0") String bindAddress,
            Path tlsCertificate,
            Path tlsPrivateKey,
            String delegatedServer,
            @DefaultValue("1d") Duration keyValidity,
            List<OldVerifyKey> oldVerifyKeys) {

        public Federation {
            oldVerifyKeys = oldVerifyKeys == null ? List.of() : List.copyOf(oldVerifyKeys);
        }
    }

    /**
     * A signing key this server used before (Synapse's {@code old_signing_keys}).
     *
     * @param keyId its key ID, such as {@code ed25519:a_Xk3q}
     * @param publicKey its public key, unpadded base64 (what {@code /_matrix/key/v2/server} showed for it)
     * @param expiredTs when it stopped signing, in milliseconds since the epoch: events signed later are not valid
     */
    public record OldVerifyKey(String keyId, String publicKey, long expiredTs) {}

    /** PostgreSQL connection; an empty host means the embedded server. */
    public record Database(
            String host,
            @DefaultValue("5432") int port,
            @DefaultValue("lattice") String name,
            @DefaultValue("lattice") String user,
            @DefaultValue("lattice") String password,
            @DefaultValue("10") int maxConnections) {

        public boolean embedded() {
            return host == null || host.isBlank();
        }

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }
    }

    /**
     * @param bootstrapServers the Kafka cluster; empty means the embedded single-node broker
     * @param topicPrefix prepended to every topic name, so several deployments can share a cluster
     * @param partitions partitions for topics Lattice creates; fixes how far the roomserver can scale out
     * @param consumerConcurrency how many keys (rooms, users) each consumer handles at once; records of one key are
     *     always handled one after another, in order
     * @param groupInstanceId this process's stable name in its consumer groups (Kafka's static membership): a process
     *     restarted under the same name takes its partitions back at once, where an unnamed one waits for the broker
     *     to give up on its dead predecessor (the session timeout, 45 s) and nothing it consumes moves meanwhile. Set
     *     by the all-in-one with its embedded broker (one process per broker); in a split deployment give each replica
     *     its own lasting name (a StatefulSet pod's name), never two live processes the same one. Empty: dynamic
     *     membership
     */
    public record Kafka(
            String bootstrapServers,
            @DefaultValue("lattice.") String topicPrefix,
            @DefaultValue("8") int partitions,
            @DefaultValue("1") short replicationFactor,
            @DefaultValue("32") int consumerConcurrency,
            String groupInstanceId) {

        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }
}
