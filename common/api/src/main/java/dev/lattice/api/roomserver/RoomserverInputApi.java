package dev.lattice.api.roomserver;

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
     * Submits an event nobody waits for (federation, backfill). Completes once the input is durably on the bus; the
     * verdict is only stored and logged.
     */
    Mono<Void> inputRoomEventAsync(InputRoomEvent input);
}
