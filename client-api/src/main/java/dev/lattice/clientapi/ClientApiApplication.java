package dev.lattice.clientapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The client-api service alone in its own process (split deployment), against external PostgreSQL and Kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, ClientApiConfiguration.class})
public class ClientApiApplication {

    public static void main(String[] args) {
        LatticeApplication.run(new SpringApplication(ClientApiApplication.class), "client-api", args);
    }
}
