package dev.lattice.federationapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The federation-api service alone in its own process (split deployment), against external PostgreSQL and Kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, FederationApiConfiguration.class})
public class FederationApiApplication {

    public static void main(String[] args) {
        LatticeApplication.run(new SpringApplication(FederationApiApplication.class), "federation-api", args);
    }
}
