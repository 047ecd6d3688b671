package dev.lattice.mediaapi.config;

import dev.lattice.runtime.net.IpRange;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * @param store where the bytes live: {@code local} (the default: files under {@code storePath}) or {@code s3} (an
 *     S3-compatible object store, set under {@code s3}; required for several media-api replicas)
 * @param storePath where the media files live; {@code <lattice.data-dir>/media} when empty. With the S3 store, only
 *     its {@code tmp} directory is used, to spool uploads
 * @param s3 the object store, when {@code store} is {@code s3}
 * @param enableAuthenticatedMedia Synapse's {@code enable_authenticated_media}: when true (the default), media uploaded
 *     from now on is marked as authenticated and the deprecated unauthenticated endpoints
 *     ({@code /_matrix/media/v3/download}, {@code /thumbnail}) answer 404 {@code M_NOT_FOUND} for it (the spec's
 *     "freeze"); media uploaded while it was false stays reachable there
 * @param urlPreview URL previews
 * @param uploadRate how often one user may upload
 * @param thumbnails which thumbnails are made, and when
 * @param userQuota the most bytes one user's uploads may hold in all; an upload that would pass it is 403
 *     {@code M_FORBIDDEN} (the spec's answer for a quota). {@code 0B}, the default, is no quota
 */
@ConfigurationProperties("lattice.media")
public record MediaApiProperties(
        @DefaultValue("50MB") DataSize maxUploadSize,
        @DefaultValue("32000000") long maxImagePixels,
        @DefaultValue("local") Store store,
        Path storePath,
        @DefaultValue S3 s3,
        @DefaultValue("true") boolean enableAuthenticatedMedia,
        @DefaultValue UrlPreview urlPreview,
        @DefaultValue UploadRate uploadRate,
        @DefaultValue("0B") DataSize userQuota,
        @DefaultValue ThumbnailSettings thumbnails) {

    /**
     * Thumbnails, under {@code lattice.media.thumbnails.*}.
     *
     * @param sizes the only sizes made, as {@code WIDTHxHEIGHT-crop|scale}; a request gets the smallest of its method
     *     at least as large as asked. By default the spec's (and Synapse's) five
     * @param pregenerate whether every size is made right after an image is uploaded (in the background, one image at
     *     a time), as Synapse does, so the first view does not wait; else each on its first request
     */
    public record ThumbnailSettings(
            @DefaultValue({"32x32-crop", "96x96-crop", "320x240-scale", "640x480-scale", "800x600-scale"})
            List<String> sizes,

            @DefaultValue("true") boolean pregenerate) {
        public static final ThumbnailSettings DEFAULT = new ThumbnailSettings(
                List.of("32x32-crop", "96x96-crop", "320x240-scale", "640x480-scale", "800x600-scale"), true);

        public ThumbnailSettings {
            sizes = List.copyOf(sizes);
        }
    }

    /** Where the bytes of media live. */
    public enum Store {
        LOCAL,
        S3
    }

    /**
     * An S3-compatible object store, under {@code lattice.media.s3.*}: one object per distinct content, named
     * {@code <prefix><sha256>}.
     *
     * @param endpoint the server's URL, e.g. {@code https://s3.eu-west-1.amazonaws.com} or {@code http://minio:9000}
     * @param bucket the bucket; it must exist (checked at start)
     * @param region the signing region; {@code us-east-1} by default, what most self-hosted servers expect
     * @param accessKey the access key ID
     * @param secretKey the secret access key (better set through {@code LATTICE_MEDIA_S3_SECRETKEY})
     * @param prefix put before every object name, e.g. {@code media/}; empty by default
     * @param pathStyle {@code endpoint/bucket/key} (true, the default: MinIO, Garage, SeaweedFS) or AWS's
     *     virtual-hosted {@code bucket.endpoint/key} (false)
     */
    public record S3(
            URI endpoint,
            String bucket,
            @DefaultValue("us-east-1") String region,
            String accessKey,
            String secretKey,
            @DefaultValue("") String prefix,
            @DefaultValue("true") boolean pathStyle) {
        /** No object store configured (the local store is used). */
        public static final S3 NONE = new S3(null, null, "us-east-1", null, null, "", true);

        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey=" + accessKey
                    + ", prefix=" + prefix + ", pathStyle=" + pathStyle + "]";
        }
    }

    /**
     * How often one user may upload or create media IDs ({@code POST /upload}, {@code /create}, {@code PUT /upload}):
     * a token bucket per user, 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms} when empty. By default 10 per
     * second with bursts of 50, Synapse's {@code rc_media_create}.
     */
    public record UploadRate(
            @DefaultValue("10") double perSecond,
            @DefaultValue("50") int burst) {
        public UploadRate {
            if (perSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("lattice.media.upload-rate needs per-second > 0 and burst >= 1");
            }
        }
    }

    /**
     * URL previews ({@code GET /_matrix/client/v1/media/preview_url}), under {@code lattice.media.url-preview.*}.
     *
     * @param enabled whether the endpoint is served (404 {@code M_UNRECOGNIZED} when not); on by default, with every
     *     address a preview would connect to checked against {@code ipRangeBlocklist}
     * @param ipRangeBlocklist ranges never connected to, whatever the URL, a redirect or DNS says; by default
     *     {@link IpRange#NON_PUBLIC}. Checked against every address the host resolves to, and the connection goes to
     *     the address checked, so DNS rebinding cannot slip past it
     * @param ipRangeAllowlist ranges allowed even inside the blocklist (an intranet wiki, or a test's page)
     * @param maxPageSize the largest page or image read for a preview (more: 502)
     * @param timeout how long fetching one preview may take in all, redirects included
     */
    public record UrlPreview(
            @DefaultValue("true") boolean enabled,
            List<String> ipRangeBlocklist,
            @DefaultValue List<String> ipRangeAllowlist,
            @DefaultValue("10MB") DataSize maxPageSize,
            @DefaultValue("10s") Duration timeout) {
        public static final UrlPreview DEFAULT =
                new UrlPreview(true, null, List.of(), DataSize.ofMegabytes(10), Duration.ofSeconds(10));

        public UrlPreview {
            ipRangeBlocklist = ipRangeBlocklist == null
                    ? IpRange.NON_PUBLIC
                    : ipRangeBlocklist.stream().filter(r -> !r.isBlank()).toList();
            ipRangeAllowlist =
                    ipRangeAllowlist.stream().filter(r -> !r.isBlank()).toList();
            // Parsed now, so a typo stops the start rather than the first preview.
            ipRangeBlocklist.forEach(IpRange::parse);
            ipRangeAllowlist.forEach(IpRange::parse);
        }
    }

    public MediaApiProperties {
        if (maxUploadSize.toBytes() <= 0) {
            throw new IllegalArgumentException("lattice.media.max-upload-size must be positive");
        }
        if (userQuota.toBytes() < 0) {
            throw new IllegalArgumentException("lattice.media.user-quota must not be negative");
        }
        if (store == Store.S3
                && (s3.endpoint() == null
                        || isBlank(s3.bucket())
                        || isBlank(s3.accessKey())
                        || isBlank(s3.secretKey()))) {
            throw new IllegalArgumentException(
                    "lattice.media.store: s3 needs lattice.media.s3.endpoint, bucket, access-key and secret-key");
        }
        if (maxImagePixels <= 0) {
            throw new IllegalArgumentException("lattice.media.max-image-pixels must be positive");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** The media directory: {@code storePath}, or {@code media} under the data directory. */
    public Path storeDirectory(Path dataDir) {
        return storePath != null ? storePath : dataDir.resolve("media");
    }
}
