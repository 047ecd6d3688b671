package dev.lattice.roomserver;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The roomserver service alone in its own process (split deployment), against external PostgreSQL and Kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, RoomserverConfiguration.class})
public class RoomserverApplication {

    public static void main(String[] args) {
        LatticeApplication.run(new SpringApplication(RoomserverApplication.class), "roomserver", args);
    }
}
