package dev.lattice.clientapi.internal;

import dev.lattice.protocol.id.IdValidation;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.Locale;

/** The rules for localparts of new accounts: lowercase, the strict grammar, a user ID of at most 255 bytes. */
public final class Localparts {

    /**
     * The localpart for a requested username, lowercased as Synapse does, or {@code 400 M_INVALID_USERNAME}.
     * A full user ID on this server is accepted too.
     */
    public static String normalize(String requested, ServerName server) {
        if (requested == null || requested.isEmpty()) {
            throw new MatrixException(ErrorCode.INVALID_USERNAME, "Username must not be empty");
        }
        String localpart = requested;
        String suffix = ":" + server.value();
        if (localpart.startsWith("@") && localpart.endsWith(suffix)) {
            localpart = localpart.substring(1, localpart.length() - suffix.length());
        }
        localpart = localpart.toLowerCase(Locale.ROOT);
        try {
            UserId.validateStrict("@" + localpart + suffix);
        } catch (InvalidIdException invalid) {
            throw new MatrixException(
                    ErrorCode.INVALID_USERNAME,
                    switch (invalid.reason()) {
                        case TOO_LONG -> "User ID must be at most " + IdValidation.MAX_BYTES + " bytes";
                        case EMPTY, EMPTY_LOCALPART -> "Username must not be empty";
                        default -> "Username may contain only a-z, 0-9, '.', '_', '=', '-', '/' and '+'";
                    });
        }
        return localpart;
    }

    /**
     * The localpart a login names, or empty-handed {@code 403 M_FORBIDDEN} when it names another server. Case is
     * folded so that {@code @Alice} finds {@code @alice} (new localparts are lowercase).
     */
    public static String forLogin(String user, ServerName server) {
        String localpart = user;
        if (user.startsWith("@")) {
            UserId id;
            try {
                id = UserId.parse(user);
            } catch (InvalidIdException invalid) {
                throw new MatrixException(ErrorCode.FORBIDDEN, "Invalid username or password");
            }
            if (!id.serverName().equals(server)) {
                throw new MatrixException(ErrorCode.FORBIDDEN, "Invalid username or password");
            }
            localpart = id.localpart();
        }
        return localpart.toLowerCase(Locale.ROOT);
    }

    private Localparts() {}
}
