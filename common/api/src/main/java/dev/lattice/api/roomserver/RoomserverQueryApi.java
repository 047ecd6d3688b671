package dev.lattice.api.roomserver;

/**
 * Every read the roomserver answers. Callers that need less take the narrower interface: syncapi a
 * {@link SyncRoomserverApi}, client-api a {@link ClientRoomserverApi}.
 */
public interface RoomserverQueryApi
        extends QueryRoomApi, QueryStateApi, QueryMembershipApi, QueryEventsApi, QueryTransactionApi {}
