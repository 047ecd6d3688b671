package dev.lattice.clientapi.storage.postgres;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** Binding helpers the table classes share. */
final class Sql {

    /** Binds {@code value}, or a typed NULL when it is null (R2DBC refuses a plain null). */
    static <T> GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private Sql() {}
}
