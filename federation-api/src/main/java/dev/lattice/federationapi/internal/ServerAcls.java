package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.QueryStateApi;
import dev.lattice.protocol.federation.ServerAcl;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Server ACLs ({@code m.room.server_acl} in a room's current state) applied to other servers' requests: the PDUs and
 * room EDUs of {@code /send}, and the room endpoints the spec names ({@code make_join}, {@code send_join},
 * {@code make_leave}, {@code send_leave}, {@code invite}, {@code state}, {@code state_ids}, {@code event_auth},
 * {@code get_missing_events}, {@code backfill}). A room without the event allows everyone.
 */
public final class ServerAcls {
    static final String TYPE = "m.room.server_acl";

    private final Supplier<? extends QueryStateApi> state;

    public ServerAcls(Supplier<? extends QueryStateApi> state) {
        this.state = requireNonNull(state, "state is null");
    }

    /** Whether {@code origin} may take part in the room. */
    public Mono<Boolean> allows(RoomId roomId, ServerName origin) {
        return state.get()
                .queryCurrentStateEvent(roomId, TYPE, "")
                .map(event -> event.map(acl -> ServerAcl.of(content(acl.pdu())).allows(origin))
                        .orElse(true));
    }

    /** Completes if {@code origin} may take part in the room; else 403 {@code M_FORBIDDEN}, as the spec says. */
    public Mono<Void> check(RoomId roomId, ServerName origin) {
        return allows(roomId, origin)
                .flatMap(allowed -> allowed
                        ? Mono.<Void>empty()
                        : Mono.error(new MatrixException(
                                ErrorCode.FORBIDDEN,
                                "Server " + origin + " is banned from the room by its server ACL")));
    }

    private static JsonObject content(String pdu) {
        return CanonicalJson.parseObject(pdu).getObject("content").orElse(JsonObject.EMPTY);
    }
}
