package dev.lattice.clientapi;

import dev.lattice.runtime.db.ServiceSchema;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The client-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The client-server API (/_matrix/client/**) and /.well-known/matrix/*: accounts, devices, profiles, account data, filters, aliases and the room directory.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = ClientApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class ClientApiConfiguration {

    /** The schema this service owns; migrations under {@code db/clientapi}. */
    @Bean
    ServiceSchema clientapiSchema() {
        return new ServiceSchema("clientapi");
    }
}
