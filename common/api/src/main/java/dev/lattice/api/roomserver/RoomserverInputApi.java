package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Ingesting events into rooms: what client-api (events its clients send), federation-api (received PDUs) and
 * appservice-api call. Both methods publish on {@code roomserver.input}, keyed by room ID, so whichever roomserver
 * instance owns the room's partition decides, one event of a room at a time.
 *
 * <pre>{@code
 * Pdu event = EventBuilder.forVersion(rules)...sign(serverName, signingKey);
 * InputVerdict verdict = roomserver.inputRoomEvent(InputRoomEvent.newEvent(roomId, rules.id(),
 *         new String(event.bytes(), UTF_8), serverName, new SendTransaction(user, device, txnId))).block();
 * EventId sent = verdict.eventIdOrThrow();   // 403 M_FORBIDDEN etc. for a rejection
 * }</pre>
 */
public interface RoomserverInputApi {

    /**
     * Submits an event and waits for the roomserver's verdict. The verdict comes after the roomserver committed its
     * decision, so an {@link InputVerdict.Outcome#ACCEPTED} event is durable and a client may be told so.
     *
     * <p>Any {@code replyTo}/{@code requestId} on {@code input} are replaced by this instance's.
     *
     * @return the verdict; fails with a {@code MatrixException} {@code M_UNKNOWN} with HTTP status 504 ("roomserver
     *     did not answer in time") when no verdict arrives within the configured timeout
     *     ({@code lattice.roomserver.input-timeout}, 30 s by default). A timeout does not mean the event was dropped:
     *     it may still be accepted, which is why clients retry with the same txnId and get
     *     {@link InputVerdict.Outcome#DUPLICATE_TRANSACTION}, never a second event.
     */
    Mono<InputVerdict> inputRoomEvent(InputRoomEvent input);

    /**
     * Submits an event without waiting for its verdict: completes once the input is on the bus, with the verdict
     * still to come (as {@link #inputRoomEvent}'s, its timeout counted from when it is subscribed). Inputs of one
     * room submitted one after another are decided in that order and back to back, with no round trip between them,
     * so a caller holding several events of a room (a federation transaction) submits each before waiting for any.
     * An event must still be submitted after the events it names as {@code prev_events}.
     *
     * <p>A verdict nobody subscribes to is dropped when it arrives.
     */
    Mono<Mono<InputVerdict>> submitRoomEvent(InputRoomEvent input);

    /**
     * Submits events known only by themselves as {@link InputOutliers} (the state and auth chain of a join, the state
     * at a gap), in as few bus records as their size allows (one transaction each, in order), and waits until all
     * are decided. Each must come after its auth events among them. Replaces one {@link InputKind#OUTLIER} input
     * per event, which cost a bus round trip and a commit each.
     *
     * @return the IDs among them held here accepted, stored now or before; a rejected one is stored as such and
     *     missing; fails as {@link #inputRoomEvent} does when a batch is not answered in time
     */
    Mono<Set<EventId>> inputOutliers(RoomId roomId, RoomVersionId roomVersion, List<String> pdus, ServerName origin);

    /**
     * Submits the whole state before this server's partial-state join to a room ({@link PartialStateCompletion}) and
     * waits for the roomserver to complete the room's state with it.
     *
     * @return the verdict: accepted once the room's state is complete (at once for a room whose state already is);
     *     rejected when a named event is not held, was rejected, or is no state event; fails as
     *     {@link #inputRoomEvent} does when not answered in time
     */
    Mono<InputVerdict> completePartialState(PartialStateCompletion completion);
}
