package dev.lattice.runtime;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusShutdown;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.config.SigningKeyFile;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.CorsFilter;
import dev.lattice.runtime.http.FederationListener;
import dev.lattice.runtime.http.HealthCheck;
import dev.lattice.runtime.http.HealthRoutes;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.KnownRoutes;
import dev.lattice.runtime.http.LegacyPrefixFilter;
import dev.lattice.runtime.http.ListenerPathFilter;
import dev.lattice.runtime.http.MatrixErrorHandler;
import dev.lattice.runtime.http.MatrixRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * What every service process has, whichever services it runs: configuration, the HTTP edge, the database and the
 * bus. Each service's application class and {@code deploy/all-in-one} import it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LatticeProperties.class)
public class LatticeRuntimeConfiguration {

    /** Nesting depth beyond which a request body is refused; the spec's event limits need far less. */
    static final int MAX_JSON_NESTING = 100;

    /**
     * This server's signing key, loaded once per process (generated on a fresh server's first start): client-api
     * signs the events it builds with it, federation-api its key document and requests.
     */
    @Bean
    SigningKey serverSigningKey(LatticeProperties properties) {
        return SigningKeyFile.loadOrGenerate(properties.signingKeyFile());
    }

    @Bean
    KnownRoutes knownRoutes() {
        return new KnownRoutes();
    }

    @Bean
    MatrixRouter matrixRouter(KnownRoutes knownRoutes) {
        return new MatrixRouter(knownRoutes);
    }

    @Bean
    JsonBodies jsonBodies() {
        return strictJsonBodies();
    }

    /** The request-body reader the routes use, for tests that bind routes without a context. */
    public JsonBodies jsonBodiesForTest() {
        return strictJsonBodies();
    }

    /** Strict JSON for request bodies: duplicate keys refused, bounded nesting, no silent type coercion. */
    private static JsonBodies strictJsonBodies() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_JSON_NESTING)
                        .build())
                .build();
        JsonMapper strict = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(
                        LogicalType.Textual,
                        textual -> textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        return new JsonBodies(strict);
    }

    /** Access-token authentication for every service's handlers, through whichever {@link UserApi} is wired. */
    @Bean
    AccessTokens accessTokens(ObjectProvider<UserApi> users) {
        return new AccessTokens(users::getObject, Clock.systemUTC());
    }

    @Bean
    MatrixErrorHandler matrixErrorHandler(KnownRoutes knownRoutes) {
        return new MatrixErrorHandler(knownRoutes);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    CorsFilter corsFilter() {
        return new CorsFilter();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    ListenerPathFilter listenerPathFilter(ObjectProvider<FederationListener> federationListener) {
        return new ListenerPathFilter(() -> {
            FederationListener listener = federationListener.getIfAvailable();
            return listener != null ? listener.boundPort() : -1;
        });
    }

    /** After the listener split, which must see the path as it came. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 2)
    LegacyPrefixFilter legacyPrefixFilter() {
        return new LegacyPrefixFilter();
    }

    @Bean
    RouterFunction<ServerResponse> healthRoutes(ObjectProvider<HealthCheck> checks, MatrixRouter router) {
        return new HealthRoutes(checks.orderedStream().toList(), router).routes();
    }

    @Bean(destroyMethod = "dispose")
    ConnectionPool connectionFactory(LatticeProperties properties) {
        LatticeProperties.Database db = properties.database();
        var postgres = Database.connectionFactory(db);
        return new ConnectionPool(ConnectionPoolConfiguration.builder(postgres)
                .initialSize(1)
                .maxSize(db.maxConnections())
                .maxIdleTime(Duration.ofMinutes(10))
                .build());
    }

    @Bean
    Database database(LatticeProperties properties, List<ServiceSchema> schemas, ConnectionFactory connections) {
        return new Database(properties.database(), schemas, DatabaseClient.create(connections));
    }

    @Bean(destroyMethod = "close")
    Bus bus(LatticeProperties properties, MeterRegistry meters) {
        Bus bus = new Bus(properties.kafka(), meters);
        bus.createTopics(Topics.ALL);
        return bus;
    }

    @Bean
    BusShutdown busShutdown(Bus bus) {
        return new BusShutdown(bus);
    }

    @Bean
    HealthCheck postgresHealth(Database database) {
        return new HealthCheck() {
            @Override
            public String name() {
                return "postgres";
            }

            @Override
            public Mono<Void> check() {
                return database.client().sql("SELECT 1").fetch().first().then();
            }
        };
    }

    @Bean
    HealthCheck kafkaHealth(Bus bus) {
        return new HealthCheck() {
            @Override
            public String name() {
                return "kafka";
            }

            @Override
            public Mono<Void> check() {
                return bus.ping();
            }
        };
    }
}
