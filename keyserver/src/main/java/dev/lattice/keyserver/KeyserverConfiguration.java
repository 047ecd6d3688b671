package dev.lattice.keyserver;

import dev.lattice.runtime.db.ServiceSchema;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The keyserver service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * End-to-end encryption keys: device, one-time, fallback and cross-signing keys, key backups, device lists.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
        basePackageClasses = KeyserverConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class KeyserverConfiguration {

    /** The schema this service owns; migrations under {@code db/keyserver}. */
    @Bean
    ServiceSchema keyserverSchema() {
        return new ServiceSchema("keyserver");
    }
}
