package dev.lattice.testing.spec;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Puts {@link SpecConformance} into every reactive Spring Boot application started in a JVM that has this test
 * module on its class path (registered in {@code META-INF/spring}); never part of a server that is shipped.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class SpecConformanceAutoConfiguration {
    @Bean
    SpecConformance specConformance() {
        return new SpecConformance(ClientServerSpec.shared());
    }
}
