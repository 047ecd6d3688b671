package dev.lattice.clientapi.storage;

/** A row of {@code clientapi.profiles}; each field null when unset. */
public record StoredProfile(String displayname, String avatarUrl) {}
