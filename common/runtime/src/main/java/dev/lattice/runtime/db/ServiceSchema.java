package dev.lattice.runtime.db;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A PostgreSQL schema a service owns, with its Flyway migrations under {@code classpath:db/<name>}. Each service
 * declares one as a bean; {@link Database} migrates every declared schema before anything queries it.
 *
 * @param name the schema name, also the migrations folder, e.g. {@code roomserver}
 */
public record ServiceSchema(String name) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public ServiceSchema {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("schema name must match " + NAME + ": " + name);
        }
    }

    public String migrationsLocation() {
        return "classpath:db/" + name;
    }
}
