package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.keyserver.CrossSigningKeysApi;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /keys/device_signing/upload}: the keyserver checks and stores the keys ({@link CrossSigningKeysApi});
 * this side runs the user-interactive authentication, which spec v1.11 (MSC3967) and Synapse skip when the user has
 * no master key yet, or uploads exactly the keys already stored (a retry): replacing a master key needs the
 * password.
 */
public final class CrossSigningUpload {
    private static final String OPERATION = "POST /keys/device_signing/upload";
    private static final Map<String, String> FIELDS =
            Map.of("master_key", "master", "self_signing_key", "self_signing", "user_signing_key", "user_signing");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final UserInteractiveAuth uia;
    private final Supplier<CrossSigningKeysApi> keyserver;

    public CrossSigningUpload(UserInteractiveAuth uia, Supplier<CrossSigningKeysApi> keyserver) {
        this.uia = requireNonNull(uia, "uia is null");
        this.keyserver = requireNonNull(keyserver, "keyserver is null");
    }

    public Mono<UiaResult<Map<String, Object>>> upload(AuthenticatedDevice device, JsonObject body) {
        AuthData auth = body.getObject("auth")
                .map(json -> JSON.readValue(CanonicalJson.encode(json), AuthData.class))
                .orElse(null);
        String keys = CanonicalJson.encodeToString(body.without("auth"));
        Supplier<Mono<Map<String, Object>>> store = () ->
                keyserver.get().uploadCrossSigningKeys(device.userId(), keys).thenReturn(Map.of());
        return keyserver.get().queryCrossSigningKeys(device.userId()).flatMap(stored -> {
            if (!stored.containsKey("master") || sameAsStored(body, stored)) {
                return store.get().map(UiaResult.Done::new);
            }
            return uia.authenticate(
                    OPERATION, device.userId().localpart(), auth, UiaFlows.of(UiaFlows.PASSWORD), store);
        });
    }

    /** Whether every key in the body is the one stored for its usage (and there is at least one). */
    private static boolean sameAsStored(JsonObject body, Map<String, String> stored) {
        boolean any = false;
        for (Map.Entry<String, String> field : FIELDS.entrySet()) {
            Optional<CanonicalJsonValue> uploaded = body.get(field.getKey());
            if (uploaded.isEmpty()) {
                continue;
            }
            any = true;
            Optional<CanonicalJsonValue> current =
                    Optional.ofNullable(stored.get(field.getValue())).map(CanonicalJson::parse);
            if (!current.equals(uploaded)) {
                return false;
            }
        }
        return any;
    }
}
