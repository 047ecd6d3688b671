package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A pusher a user set ({@code POST /pushers/set}): where the user's notifications are pushed.
 *
 * @param kind {@code http}
 * @param dataJson the pusher's {@code data} object as canonical JSON ({@code url}, {@code format})
 */
public record Pusher(
        String appId,
        String pushkey,
        String kind,
        String appDisplayName,
        String deviceDisplayName,
        Optional<String> profileTag,
        String lang,
        String dataJson) {

    public Pusher {
        requireNonNull(appId, "appId is null");
        requireNonNull(pushkey, "pushkey is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(appDisplayName, "appDisplayName is null");
        requireNonNull(deviceDisplayName, "deviceDisplayName is null");
        requireNonNull(profileTag, "profileTag is null");
        requireNonNull(lang, "lang is null");
        requireNonNull(dataJson, "dataJson is null");
    }
}
