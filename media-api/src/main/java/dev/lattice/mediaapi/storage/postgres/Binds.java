package dev.lattice.mediaapi.storage.postgres;

import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;

/** Binding helpers the tables share. */
final class Binds {
    private Binds() {}

    /** Binds {@code value}, or SQL NULL when it is empty. */
    static DatabaseClient.GenericExecuteSpec optional(
            DatabaseClient.GenericExecuteSpec spec, String name, Optional<String> value) {
        return value.isPresent() ? spec.bind(name, value.get()) : spec.bindNull(name, String.class);
    }
}
