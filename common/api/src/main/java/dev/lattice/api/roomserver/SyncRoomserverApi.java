package dev.lattice.api.roomserver;

/** What syncapi needs of the roomserver beyond {@code roomserver.output}: state, memberships and visibility. */
public interface SyncRoomserverApi extends QueryStateApi, QueryMembershipApi, QueryEventsApi {}
