package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredUiaSession;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.uia_sessions}: user-interactive authentication sessions and the stages each has completed. */
public final class UiaSessionsTable {
    private static final String INSERT = "INSERT INTO clientapi.uia_sessions"
            + " (session_id, operation, localpart, created_ts) VALUES (:sessionId, :operation, :localpart, :now)";
    private static final String SELECT = "SELECT session_id, operation, localpart, completed"
            + " FROM clientapi.uia_sessions WHERE session_id = :sessionId AND created_ts > :notBefore";
    private static final String ADD_COMPLETED = "UPDATE clientapi.uia_sessions"
            + " SET completed = array_append(completed, :stage)"
            + " WHERE session_id = :sessionId AND NOT (:stage = ANY(completed))";
    private static final String DELETE = "DELETE FROM clientapi.uia_sessions WHERE session_id = :sessionId";
    private static final String DELETE_EXPIRED = "DELETE FROM clientapi.uia_sessions WHERE created_ts <= :notBefore";

    private final DatabaseClient client;

    public UiaSessionsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String sessionId, String operation, String localpart, long now) {
        var spec = client.sql(INSERT)
                .bind("sessionId", sessionId)
                .bind("operation", operation)
                .bind("now", now);
        return Sql.bindNullable(spec, "localpart", localpart, String.class).then();
    }

    /** The session, unless it is unknown or started before {@code notBefore}. */
    public Mono<StoredUiaSession> select(String sessionId, long notBefore) {
        return client.sql(SELECT)
                .bind("sessionId", sessionId)
                .bind("notBefore", notBefore)
                .map(row -> new StoredUiaSession(
                        row.get("session_id", String.class),
                        row.get("operation", String.class),
                        row.get("localpart", String.class),
                        List.of(row.get("completed", String[].class))))
                .one();
    }

    public Mono<Void> addCompleted(String sessionId, String stage) {
        return client.sql(ADD_COMPLETED)
                .bind("sessionId", sessionId)
                .bind("stage", stage)
                .then();
    }

    public Mono<Void> delete(String sessionId) {
        return client.sql(DELETE).bind("sessionId", sessionId).then();
    }

    public Mono<Long> deleteExpired(long notBefore) {
        return client.sql(DELETE_EXPIRED).bind("notBefore", notBefore).fetch().rowsUpdated();
    }
}
