package dev.lattice.api.roomserver;

/** What client-api needs of the roomserver: build events, submit them and wait, and read rooms. */
public interface ClientRoomserverApi extends RoomserverInputApi, RoomserverQueryApi {}
