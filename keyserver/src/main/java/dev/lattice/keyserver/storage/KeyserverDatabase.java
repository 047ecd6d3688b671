package dev.lattice.keyserver.storage;

import dev.lattice.api.keyserver.DeviceKeyCounts;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.keyserver.internal.KeyUpload;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** The keyserver's storage: device keys, one-time keys and fallback keys of local devices. */
public interface KeyserverDatabase {

    /**
     * Stores a checked upload in one transaction: the device keys (replacing earlier ones), the one-time keys (a key
     * ID already stored with the same key is a no-op; with another key the whole upload fails with 400
     * {@code M_INVALID_PARAM} and nothing is stored), the fallback keys (replacing the previous one of each algorithm,
     * unused again). Emits the device's one-time key counts afterwards.
     */
    Mono<Map<String, Long>> store(UserId user, DeviceId device, KeyUpload upload, long now);

    /**
     * How many one-time keys of each algorithm the device has left, and the algorithms of its fallback keys that no
     * claim has handed out yet: what every {@code /sync} response reports, in one statement.
     */
    Mono<DeviceKeyCounts> deviceKeyCounts(UserId user, DeviceId device);

    /** The device keys of the given users' devices, all of a user's devices when the set for them is empty. */
    Mono<List<StoredDeviceKeys>> deviceKeys(Map<UserId, ? extends Collection<DeviceId>> devices);

    /**
     * Hands out one key of {@code algorithm} of the device: a one-time key, removed in the same statement so no two
     * claims ever get the same one, else the fallback key (marked used, kept); empty when the device has neither.
     */
    Mono<Optional<ClaimedKey>> claim(UserId user, DeviceId device, String algorithm);

    /**
     * Deletes everything of these devices (device keys, one-time and fallback keys, signatures on them) and announces
     * each as deleted on {@code keyserver.output}, in one transaction. Idempotent.
     */
    Mono<Void> deleteDevices(UserId user, List<DeviceId> devices);

    /**
     * Another server's user's change: their cached keys are dropped (a fetch that started before {@code now} is not
     * cached either) and the change is announced on {@code keyserver.output}, in one transaction.
     */
    Mono<Void> invalidateRemoteKeysAndAnnounce(DeviceListChange change, long now);

    /** The cached answers for those of {@code users} fetched at or after {@code notBefore} and not invalidated. */
    Mono<Map<UserId, String>> cachedRemoteKeys(Collection<UserId> users, long notBefore);

    /** Caches a user's keys as their server answered, unless an update arrived after {@code fetchStartedTs}. */
    Mono<Void> cacheRemoteKeys(UserId user, String answerJson, long fetchStartedTs);
}
