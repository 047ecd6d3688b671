package dev.lattice.mediaapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The media-api service alone in its own process (split deployment), against external PostgreSQL and Kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, MediaApiConfiguration.class})
public class MediaApiApplication {

    public static void main(String[] args) {
        LatticeApplication.run(new SpringApplication(MediaApiApplication.class), "media-api", args);
    }
}
