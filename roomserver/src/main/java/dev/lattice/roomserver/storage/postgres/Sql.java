package dev.lattice.roomserver.storage.postgres;

import io.r2dbc.spi.Readable;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** Binding and reading helpers the table classes share. */
final class Sql {
    private Sql() {}

    /** Binds {@code value}, or a typed null. */
    static <T> GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    static List<String> stringList(Readable row, String column) {
        String[] values = row.get(column, String[].class);
        return values == null ? List.of() : Arrays.asList(values);
    }

    static long requireLong(Readable row, String column) {
        Long value = row.get(column, Long.class);
        if (value == null) {
            throw new IllegalStateException(column + " is null");
        }
        return value;
    }
}
