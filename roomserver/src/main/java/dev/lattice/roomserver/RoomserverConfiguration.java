package dev.lattice.roomserver;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.roomserver.config.RoomserverProperties;
import dev.lattice.roomserver.consumers.InputRoomEventConsumer;
import dev.lattice.roomserver.consumers.VerdictConsumer;
import dev.lattice.roomserver.internal.RoomEvents;
import dev.lattice.roomserver.internal.RoomserverInternalApi;
import dev.lattice.roomserver.internal.input.InputPipeline;
import dev.lattice.roomserver.internal.input.InputSender;
import dev.lattice.roomserver.internal.input.PduVerifier;
import dev.lattice.roomserver.internal.input.PendingVerdicts;
import dev.lattice.roomserver.internal.query.RoomserverQueries;
import dev.lattice.roomserver.producers.VerdictProducer;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.roomserver.storage.postgres.PostgresRoomserverDatabase;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.outbox.Outbox;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The roomserver service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The room DAG: events, state snapshots, current state, forward extremities, membership. Internal only.
 *
 * <p>Its one public bean is {@link RoomserverInternalApi}, which implements every {@code common/api} roomserver
 * interface ({@code ClientRoomserverApi}, ...): inject those interfaces, never the class.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RoomserverProperties.class)
@ComponentScan(
        basePackageClasses = RoomserverConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class RoomserverConfiguration {

    /** The schema this service owns; migrations under {@code db/roomserver}. */
    @Bean
    ServiceSchema roomserverSchema() {
        return new ServiceSchema("roomserver");
    }

    /** The roomserver schema's outbox, publishing {@code roomserver.output}; its sweeper runs from start-up. */
    @Bean(destroyMethod = "close")
    Outbox roomserverOutbox(
            Database database, ConnectionFactory connections, Bus bus, RoomserverProperties properties) {
        // Not a ReactiveTransactionManager bean: other services in the same process may want their own.
        TransactionalOperator transactions = TransactionalOperator.create(new R2dbcTransactionManager(connections));
        Outbox outbox = new Outbox(
                database.client(),
                transactions,
                "roomserver",
                bus::publish,
                properties.relayInterval(),
                properties.relayBatch());
        return (properties.onlyProcess() ? outbox.soleRelay() : outbox).start();
    }

    @Bean
    RoomserverDatabase roomserverDatabase(
            Database database, @Qualifier("roomserverOutbox") Outbox outbox, RoomserverProperties properties) {
        return new PostgresRoomserverDatabase(
                database.client(), outbox, properties.maxSnapshotChain(), properties.onlyProcess());
    }

    @Bean
    RoomEvents roomserverEvents(RoomserverDatabase database) {
        return new RoomEvents(database);
    }

    @Bean(destroyMethod = "close")
    InputRoomEventConsumer roomserverInputConsumer(
            RoomserverDatabase database,
            RoomEvents events,
            Bus bus,
            LatticeProperties lattice,
            PendingVerdicts pending) {
        ServerName us = ServerName.parse(lattice.serverName());
        InputPipeline pipeline = new InputPipeline(database, events, PduVerifier.checkedBeforeInput(us), us);
        return new InputRoomEventConsumer(pipeline, new VerdictProducer(bus), pending).start(bus);
    }

    @Bean
    PendingVerdicts roomserverPendingVerdicts() {
        return new PendingVerdicts();
    }

    @Bean(destroyMethod = "close")
    VerdictConsumer roomserverVerdictConsumer(PendingVerdicts pending, Bus bus) {
        return new VerdictConsumer(pending).start(bus);
    }

    /** The facade; takes the verdict consumer so that it is reading before anyone can wait for a verdict. */
    @Bean
    RoomserverInternalApi roomserverApi(
            Bus bus,
            PendingVerdicts pending,
            VerdictConsumer verdicts,
            RoomserverDatabase database,
            RoomEvents events,
            RoomserverProperties properties) {
        return new RoomserverInternalApi(
                new InputSender(bus, pending, properties.inputTimeout()), new RoomserverQueries(database, events));
    }
}
