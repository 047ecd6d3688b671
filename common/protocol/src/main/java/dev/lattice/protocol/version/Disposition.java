package dev.lattice.protocol.version;

/** Whether a room version is stable (safe for rooms) or unstable (experimental), as the spec's index lists it. */
public enum Disposition {
    STABLE,
    UNSTABLE
}
