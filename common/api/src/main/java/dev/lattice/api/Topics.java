package dev.lattice.api;

import java.util.List;

/**
 * The bus topics of docs/architecture.md §3, without the deployment's prefix ({@code lattice.} by default). Each topic's
 * record key and payload are part of the contract of the service that owns it.
 */
public final class Topics {
    /** Events to ingest, keyed by room ID; consumed by the roomserver. */
    public static final String ROOMSERVER_INPUT = "roomserver.input";
    /** New events with their state deltas, invites, redactions, purges; keyed by room ID. */
    public static final String ROOMSERVER_OUTPUT = "roomserver.output";
    /**
     * The roomserver's verdicts on inputs a caller waits for, keyed by the waiting instance's ID (the input's
     * {@code replyTo}). Every instance reads all partitions from their end with no consumer group and keeps only its
     * own: the roomserver instance that owns a room's partition is rarely the one a client asked.
     */
    public static final String ROOMSERVER_VERDICTS = "roomserver.verdicts";
    /** Account data, read markers, ignores, push rule changes; keyed by user ID. */
    public static final String CLIENTAPI_OUTPUT = "clientapi.output";
    /** Typing notifications; keyed by room ID. */
    public static final String EPHEMERAL_TYPING = "ephemeral.typing";
    /** Read receipts; keyed by room ID. */
    public static final String EPHEMERAL_RECEIPTS = "ephemeral.receipts";
    /** Presence; keyed by user ID. */
    public static final String EPHEMERAL_PRESENCE = "ephemeral.presence";
    /** To-device messages that cross servers, both ways ({@code DirectToDevice}); keyed by the sender's user ID. */
    public static final String TODEVICE = "todevice";
    /** Device-list and cross-signing changes; keyed by user ID. */
    public static final String KEYSERVER_OUTPUT = "keyserver.output";
    /** Other servers' users' device-list changes ({@code DeviceListChange}), from their EDUs; keyed by user ID. */
    public static final String KEYSERVER_INPUT = "keyserver.input";
    /** Work for one remote server; keyed by destination. */
    public static final String FEDERATION_OUTBOUND = "federation.outbound";

    /** Every topic Lattice creates at start-up. */
    public static final List<String> ALL = List.of(
            ROOMSERVER_INPUT,
            ROOMSERVER_OUTPUT,
            ROOMSERVER_VERDICTS,
            CLIENTAPI_OUTPUT,
            EPHEMERAL_TYPING,
            EPHEMERAL_RECEIPTS,
            EPHEMERAL_PRESENCE,
            TODEVICE,
            KEYSERVER_OUTPUT,
            KEYSERVER_INPUT,
            FEDERATION_OUTBOUND);

    private Topics() {}
}
