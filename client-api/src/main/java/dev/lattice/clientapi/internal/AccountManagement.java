package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Password change and deactivation, each behind {@code m.login.password}. */
public final class AccountManagement {
    private final ClientApiDatabase database;
    private final UserInteractiveAuth uia;
    private final PasswordHasher passwords;
    private final int minPasswordLength;
    private final Clock clock;

    public AccountManagement(
            ClientApiDatabase database,
            UserInteractiveAuth uia,
            PasswordHasher passwords,
            int minPasswordLength,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.uia = requireNonNull(uia, "uia is null");
        this.passwords = requireNonNull(passwords, "passwords is null");
        this.minPasswordLength = minPasswordLength;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code POST /account/password}: the new password is checked against the policy before authentication; with
     * {@code logout_devices} (the default) every other device is logged out.
     */
    public Mono<UiaResult<Map<String, Object>>> changePassword(
            AuthenticatedDevice requester, String newPassword, Boolean logoutDevices, AuthData auth) {
        return Mono.defer(() -> {
            Passwords.check(newPassword, minPasswordLength);
            String localpart = requester.userId().localpart();
            return uia.authenticate(
                    "POST /account/password",
                    localpart,
                    auth,
                    UiaFlows.of(UiaFlows.PASSWORD),
                    () -> passwords
                            .hash(newPassword)
                            .flatMap(hash -> database.changePassword(
                                    localpart,
                                    hash,
                                    !Boolean.FALSE.equals(logoutDevices),
                                    requester.deviceId().value()))
                            .flatMap(changed -> changed
                                    ? Mono.just(Map.<String, Object>of())
                                    : Mono.error(new MatrixException(
                                            ErrorCode.USER_DEACTIVATED, "This account has been deactivated"))));
        });
    }

    /**
     * {@code POST /account/deactivate}: afterwards no login works, every token is revoked, the profile is emptied,
     * and the localpart stays reserved. We bind no third-party identifiers, hence {@code no-support}.
     */
    public Mono<UiaResult<Map<String, Object>>> deactivate(AuthenticatedDevice requester, AuthData auth) {
        String localpart = requester.userId().localpart();
        return uia.authenticate(
                "POST /account/deactivate",
                localpart,
                auth,
                UiaFlows.of(UiaFlows.PASSWORD),
                () -> database.deactivate(localpart, clock.millis())
                        .thenReturn(Map.<String, Object>of("id_server_unbind_result", "no-support")));
    }
}
