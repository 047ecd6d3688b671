package dev.lattice.syncapi;

import dev.lattice.runtime.db.ServiceSchema;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The syncapi service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The client read model: /sync, sliding sync, /messages and the other read endpoints.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = SyncApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class SyncApiConfiguration {

    /** The schema this service owns; migrations under {@code db/syncapi}. */
    @Bean
    ServiceSchema syncapiSchema() {
        return new ServiceSchema("syncapi");
    }
}
