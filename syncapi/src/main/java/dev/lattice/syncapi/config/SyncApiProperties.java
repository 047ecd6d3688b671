package dev.lattice.syncapi.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The syncapi's settings, under {@code lattice.syncapi.*}.
 *
 * @param maxSyncTimeout the longest a {@code /sync} long-poll waits, whatever {@code timeout} the client asks for:
 *     30 s by default, what Element asks for, and well inside the 60 s read timeout of common reverse proxies
 */
@ConfigurationProperties("lattice.syncapi")
public record SyncApiProperties(@DefaultValue("30s") Duration maxSyncTimeout) {}
