package dev.lattice.protocol.version;

/** The state resolution algorithm a room version uses. */
public enum StateResVersion {
    /** The original algorithm of room version 1. */
    V1,
    /** State resolution v2, room versions 2 to 11. */
    V2,
    /**
     * State resolution v2.1 (MSC4297), room version 12: iterative auth checks start from the empty state rather
     * than the unconflicted state, and the conflicted state subgraph is added to the full conflicted set.
     */
    V2_1
}
