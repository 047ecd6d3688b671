package dev.lattice.syncapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The syncapi service alone in its own process (split deployment), against external PostgreSQL and Kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, SyncApiConfiguration.class})
public class SyncApiApplication {

    public static void main(String[] args) {
        LatticeApplication.run(new SpringApplication(SyncApiApplication.class), "syncapi", args);
    }
}
