package dev.lattice.roomserver;

import dev.lattice.runtime.db.ServiceSchema;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The roomserver service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The room DAG: events, state snapshots, current state, forward extremities, membership. Internal only.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = RoomserverConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class RoomserverConfiguration {

    /** The schema this service owns; migrations under {@code db/roomserver}. */
    @Bean
    ServiceSchema roomserverSchema() {
        return new ServiceSchema("roomserver");
    }
}
