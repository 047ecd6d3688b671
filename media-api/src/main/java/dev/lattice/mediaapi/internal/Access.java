package dev.lattice.mediaapi.internal;

/** Through which family of endpoints media is asked for, which decides what may be served. */
public enum Access {
    /** {@code /_matrix/client/v1/media/*}: the caller presented an access token; all media is served. */
    AUTHENTICATED,
    /**
     * The deprecated {@code /_matrix/media/v3/download|thumbnail}: no authentication, so media uploaded while
     * authenticated media was enforced is answered 404 {@code M_NOT_FOUND} (the spec's freeze).
     */
    UNAUTHENTICATED
}
