package dev.lattice.mediaapi;

import dev.lattice.runtime.db.ServiceSchema;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The media-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The content repository: media metadata, local and cached remote media, thumbnails, URL previews.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
        basePackageClasses = MediaApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class MediaApiConfiguration {

    /** The schema this service owns; migrations under {@code db/mediaapi}. */
    @Bean
    ServiceSchema mediaapiSchema() {
        return new ServiceSchema("mediaapi");
    }
}
