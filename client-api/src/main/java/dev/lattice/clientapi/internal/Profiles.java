package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.clientapi.storage.StoredProfile;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Global profiles: {@code displayname} and {@code avatar_url}. Only a user's own profile can change; a change is then
 * sent into the user's rooms as new member events ({@link MemberProfiles#propagate}). Custom fields
 * ({@code m.tz} and namespaced keys, v1.16) are not stored yet: setting one is {@code 403 M_FORBIDDEN}, as the
 * {@code m.profile_fields} capability announces.
 */
public final class Profiles {
    public static final String DISPLAYNAME = "displayname";
    public static final String AVATAR_URL = "avatar_url";
    /** The fields this server stores, announced by {@code m.profile_fields}. */
    public static final List<String> FIELDS = List.of(DISPLAYNAME, AVATAR_URL);
    /** Synapse's limits, so clients see the same behaviour. */
    static final int MAX_DISPLAYNAME = 256;

    static final int MAX_AVATAR_URL = 1000;

    private final ClientApiDatabase database;
    private final ServerName serverName;
    private final MemberProfiles members;

    public Profiles(ClientApiDatabase database, ServerName serverName, MemberProfiles members) {
        this.database = requireNonNull(database, "database is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.members = requireNonNull(members, "members is null");
    }

    /** {@code GET /profile/{userId}}: the fields that are set. */
    public Mono<Map<String, String>> profile(String userId) {
        return load(userId).map(profile -> {
            Map<String, String> fields = new LinkedHashMap<>();
            if (profile.displayname() != null) {
                fields.put(DISPLAYNAME, profile.displayname());
            }
            if (profile.avatarUrl() != null) {
                fields.put(AVATAR_URL, profile.avatarUrl());
            }
            return fields;
        });
    }

    /** {@code GET /profile/{userId}/{keyName}}; {@code 404 M_NOT_FOUND} when unset. */
    public Mono<Map<String, String>> field(String userId, String key) {
        return profile(userId).map(fields -> {
            String value = fields.get(key);
            if (value == null) {
                throw new MatrixException(ErrorCode.NOT_FOUND, "Profile field " + key + " is not set");
            }
            return Map.of(key, value);
        });
    }

    /** {@code PUT /profile/{userId}/{keyName}} with {@code {keyName: value}}. */
    public Mono<Map<String, Object>> setField(
            AuthenticatedDevice requester, String userId, String key, ObjectNode body) {
        return Mono.defer(() -> {
            String localpart = requireOwnField(requester, userId, key);
            JsonNode value = body.get(key);
            if (value == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "Body must contain " + key);
            }
            if (!value.isString() && !value.isNull()) {
                throw new MatrixException(ErrorCode.BAD_JSON, key + " must be a string");
            }
            String text = value.isNull() ? null : value.stringValue();
            return (key.equals(DISPLAYNAME)
                            ? database.setDisplayname(localpart, validDisplayname(text))
                            : database.setAvatarUrl(localpart, validAvatarUrl(text)))
                    .doOnSuccess(changed -> members.propagate(requester.userId()))
                    .thenReturn(Map.of());
        });
    }

    /** {@code DELETE /profile/{userId}/{keyName}}. */
    public Mono<Map<String, Object>> deleteField(AuthenticatedDevice requester, String userId, String key) {
        return Mono.defer(() -> {
            String localpart = requireOwnField(requester, userId, key);
            return (key.equals(DISPLAYNAME)
                            ? database.setDisplayname(localpart, null)
                            : database.setAvatarUrl(localpart, null))
                    .doOnSuccess(changed -> members.propagate(requester.userId()))
                    .thenReturn(Map.of());
        });
    }

    private Mono<StoredProfile> load(String userId) {
        return Mono.defer(() -> {
            UserId user = Users.parse(userId);
            if (!user.serverName().equals(serverName)) {
                // NOTSPEC: remote profiles need a federation query, which comes with federation-api.
                throw new MatrixException(ErrorCode.NOT_FOUND, "Remote profiles are not available yet");
            }
            return database.profile(user.localpart())
                    .switchIfEmpty(Mono.error(() -> new MatrixException(ErrorCode.NOT_FOUND, "Profile not found")));
        });
    }

    private static String requireOwnField(AuthenticatedDevice requester, String userId, String key) {
        String localpart = Users.requireSelf(requester, userId, "change the profile");
        if (!FIELDS.contains(key)) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "Profile field " + key + " cannot be set on this server");
        }
        return localpart;
    }

    private static String validDisplayname(String value) {
        if (value != null && value.length() > MAX_DISPLAYNAME) {
            throw new MatrixException(ErrorCode.BAD_JSON, "displayname is too long (max " + MAX_DISPLAYNAME + ")");
        }
        return value;
    }

    /**
     * Any string up to {@link #MAX_AVATAR_URL} characters, stored as given; an empty one clears the avatar. This is
     * Synapse's behaviour (handlers/profile.py {@code set_avatar_url}: no scheme check unless avatar size or type
     * limits are configured, {@code ""} stored as no avatar). The spec says the value "MUST be an MXC URI" but puts
     * that on the client and names no error for the server; refusing other values would break bridges and older
     * clients that work against Synapse, and readers of {@code avatar_url} must cope with bad values anyway (they
     * come over federation in member events unchecked).
     */
    private static String validAvatarUrl(String value) {
        if (value != null && value.length() > MAX_AVATAR_URL) {
            throw new MatrixException(
                    ErrorCode.INVALID_PARAM, "avatar_url is too long (max " + MAX_AVATAR_URL + " characters)");
        }
        return value == null || value.isEmpty() ? null : value;
    }
}
