package dev.lattice.appserviceapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The appservice-api service alone in its own process (split deployment), against external PostgreSQL and Kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, AppserviceApiConfiguration.class})
public class AppserviceApiApplication {

    public static void main(String[] args) {
        LatticeApplication.run(new SpringApplication(AppserviceApiApplication.class), "appservice-api", args);
    }
}
