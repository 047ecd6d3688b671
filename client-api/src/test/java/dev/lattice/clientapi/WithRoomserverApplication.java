package dev.lattice.clientapi;

import dev.lattice.roomserver.RoomserverConfiguration;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The client-api and the roomserver in one process, as {@code deploy/all-in-one} wires them. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LatticeRuntimeConfiguration.class, ClientApiConfiguration.class, RoomserverConfiguration.class})
class WithRoomserverApplication {}
