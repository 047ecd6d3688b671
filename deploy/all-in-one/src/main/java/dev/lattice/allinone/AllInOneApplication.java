package dev.lattice.allinone;

import dev.lattice.appserviceapi.AppserviceApiConfiguration;
import dev.lattice.clientapi.ClientApiConfiguration;
import dev.lattice.federationapi.FederationApiConfiguration;
import dev.lattice.keyserver.KeyserverConfiguration;
import dev.lattice.mediaapi.MediaApiConfiguration;
import dev.lattice.roomserver.RoomserverConfiguration;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import dev.lattice.syncapi.SyncApiConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** Every service in one process: the wiring of docs/architecture.md §1, and nothing else. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({
    LatticeRuntimeConfiguration.class,
    ClientApiConfiguration.class,
    FederationApiConfiguration.class,
    RoomserverConfiguration.class,
    SyncApiConfiguration.class,
    MediaApiConfiguration.class,
    AppserviceApiConfiguration.class,
    KeyserverConfiguration.class
})
public class AllInOneApplication {}
