package dev.lattice.appserviceapi;

import dev.lattice.runtime.db.ServiceSchema;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The appservice-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * Application services: registrations and the per-appservice transaction queues.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
        basePackageClasses = AppserviceApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class AppserviceApiConfiguration {

    /** The schema this service owns; migrations under {@code db/appserviceapi}. */
    @Bean
    ServiceSchema appserviceapiSchema() {
        return new ServiceSchema("appserviceapi");
    }
}
