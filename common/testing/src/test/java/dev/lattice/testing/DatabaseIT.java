package dev.lattice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

/** Schema migrations and R2DBC access against a real PostgreSQL. */
class DatabaseIT {

    @Test
    void migratesEachServiceSchemaOnceAndR2dbcSeesIt() {
        LatticeProperties.Database db = TestInfra.postgres();
        List<ServiceSchema> schemas = List.of(new ServiceSchema("migrationprobe"), new ServiceSchema("emptyservice"));
        Database database = new Database(db, schemas, DatabaseClient.create(TestInfra.connectionFactory()));
        database.client()
                .sql("INSERT INTO migrationprobe.notes (id, body) VALUES (:id, :body) "
                        + "ON CONFLICT (id) DO UPDATE SET body = excluded.body")
                .bind("id", 1L)
                .bind("body", "kept")
                .then()
                .block();

        // A second start (a restart) migrates nothing and keeps the data.
        Database restarted = new Database(db, schemas, DatabaseClient.create(TestInfra.connectionFactory()));
        String body = restarted
                .client()
                .sql("SELECT body FROM migrationprobe.notes WHERE id = 1")
                .map(row -> row.get("body", String.class))
                .one()
                .block();
        assertThat(body).isEqualTo("kept");

        Long schemaCount = restarted
                .client()
                .sql("SELECT count(*) AS n FROM information_schema.schemata "
                        + "WHERE schema_name IN ('migrationprobe', 'emptyservice')")
                .map(row -> row.get("n", Long.class))
                .one()
                .block();
        assertThat(schemaCount).isEqualTo(2);
    }
}
