package dev.lattice.mediaapi.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The content repository's settings, under {@code lattice.media.*}.
 *
 * @param maxUploadSize the largest upload accepted (413 {@code M_TOO_LARGE} above it), announced as
 *     {@code m.upload.size}; 50 MB by default, as Synapse
 * @param maxImagePixels the largest image (width × height, read from its header) the server decodes to make a
 *     thumbnail; above it the thumbnail request is 413 {@code M_TOO_LARGE}. 32 megapixels by default, as Synapse's
 *     {@code max_image_pixels}: a decoded image costs 4 bytes per pixel, so this bounds the memory one decode can take
 * @param storePath where the media files live; {@code <lattice.data-dir>/media} when empty
 * @param enableAuthenticatedMedia Synapse's {@code enable_authenticated_media}: when true (the default), media uploaded
 *     from now on is marked as authenticated and the deprecated unauthenticated endpoints
 *     ({@code /_matrix/media/v3/download}, {@code /thumbnail}) answer 404 {@code M_NOT_FOUND} for it (the spec's
 *     "freeze"); media uploaded while it was false stays reachable there
 */
@ConfigurationProperties("lattice.media")
public record MediaApiProperties(
        @DefaultValue("50MB") DataSize maxUploadSize,
        @DefaultValue("32000000") long maxImagePixels,
        Path storePath,
        @DefaultValue("true") boolean enableAuthenticatedMedia) {

    public MediaApiProperties {
        if (maxUploadSize.toBytes() <= 0) {
            throw new IllegalArgumentException("lattice.media.max-upload-size must be positive");
        }
        if (maxImagePixels <= 0) {
            throw new IllegalArgumentException("lattice.media.max-image-pixels must be positive");
        }
    }

    /** The media directory: {@code storePath}, or {@code media} under the data directory. */
    public Path storeDirectory(Path dataDir) {
        return storePath != null ? storePath : dataDir.resolve("media");
    }
}
