package dev.lattice.api.roomserver;

/**
 * Every read the roomserver answers. Callers that need less take the narrower interface: client-api a
 * {@link ClientRoomserverApi}. (syncapi needs none: it builds its read model from {@code roomserver.output}.)
 */
public interface RoomserverQueryApi
        extends QueryRoomApi, QueryStateApi, QueryMembershipApi, QueryEventsApi, QueryTransactionApi {}
