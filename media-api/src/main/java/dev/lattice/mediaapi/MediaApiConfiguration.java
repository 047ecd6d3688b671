package dev.lattice.mediaapi;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.federationapi.RemoteMediaApi;
import dev.lattice.api.mediaapi.LocalMediaApi;
import dev.lattice.mediaapi.config.MediaApiProperties;
import dev.lattice.mediaapi.internal.Downloads;
import dev.lattice.mediaapi.internal.MediaAdmin;
import dev.lattice.mediaapi.internal.MediaApiInternalApi;
import dev.lattice.mediaapi.internal.MediaLookup;
import dev.lattice.mediaapi.internal.PreviewFetcher;
import dev.lattice.mediaapi.internal.RemoteMediaCache;
import dev.lattice.mediaapi.internal.ThumbnailSize;
import dev.lattice.mediaapi.internal.Thumbnails;
import dev.lattice.mediaapi.internal.Uploads;
import dev.lattice.mediaapi.internal.UrlPreviews;
import dev.lattice.mediaapi.routing.MediaAdminRoutes;
import dev.lattice.mediaapi.routing.MediaRoutes;
import dev.lattice.mediaapi.storage.LocalMediaStore;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.mediaapi.storage.postgres.PostgresMediaApiDatabase;
import dev.lattice.mediaapi.storage.s3.S3MediaStore;
import dev.lattice.mediaapi.storage.s3.SigV4;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.runtime.net.IpRange;
import dev.lattice.runtime.ratelimit.TokenBucketLimiter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The media-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The content repository: uploads, downloads and thumbnails of our media and of other servers' media fetched
 * through the federation-api (see media-api/README.md for what is not built yet).
 *
 * <p>Needs a {@link UserApi} bean (client-api's, or its internal-HTTP client in a split deployment) to check access
 * tokens, through the runtime's {@link AccessTokens}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MediaApiProperties.class)
@ComponentScan(
        basePackageClasses = MediaApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class MediaApiConfiguration {

    /** The schema this service owns; migrations under {@code db/mediaapi}. */
    @Bean
    ServiceSchema mediaapiSchema() {
        return new ServiceSchema("mediaapi");
    }

    @Bean
    MediaApiDatabase mediaApiDatabase(Database database) {
        return new PostgresMediaApiDatabase(database);
    }

    @Bean
    MediaStore mediaStore(LatticeProperties lattice, MediaApiProperties properties) {
        Path directory = properties.storeDirectory(lattice.dataDir());
        if (properties.store() == MediaApiProperties.Store.LOCAL) {
            return new LocalMediaStore(directory);
        }
        MediaApiProperties.S3 s3 = properties.s3();
        S3MediaStore store = new S3MediaStore(
                new S3MediaStore.S3Location(s3.endpoint(), s3.bucket(), s3.prefix(), s3.pathStyle()),
                new SigV4(s3.accessKey(), s3.secretKey(), s3.region()),
                directory.resolve("tmp"),
                Clock.systemUTC());
        store.checkBucket().block(Duration.ofSeconds(60)); // a wrong setting stops the start, not the first upload
        return store;
    }

    @Bean
    RemoteMediaCache remoteMediaCache(
            MediaApiDatabase database,
            MediaStore store,
            LatticeProperties lattice,
            MediaApiProperties properties,
            ObjectProvider<RemoteMediaApi> federation) {
        boolean enabled = lattice.federation().enabled();
        return new RemoteMediaCache(
                database,
                store,
                () -> enabled ? Optional.ofNullable(federation.getIfAvailable()) : Optional.empty(),
                properties.maxUploadSize().toBytes(),
                Clock.systemUTC());
    }

    @Bean
    RouterFunction<ServerResponse> mediaRoutes(
            MatrixRouter router,
            AccessTokens accessTokens,
            MediaApiDatabase database,
            MediaStore store,
            RemoteMediaCache remote,
            ObjectProvider<UserApi> users,
            LatticeProperties lattice,
            MediaApiProperties properties) {
        return routes(
                router,
                accessTokens,
                users::getObject,
                database,
                store,
                remote,
                lattice.serverName(),
                properties,
                Clock.systemUTC());
    }

    /** Our media for other servers, asked by the federation-api. */
    @Bean
    LocalMediaApi localMediaApi(
            MediaApiDatabase database,
            MediaStore store,
            RemoteMediaCache remote,
            LatticeProperties lattice,
            MediaApiProperties properties) {
        Parts parts = new Parts(database, store, remote, lattice.serverName(), properties, Clock.systemUTC());
        return new MediaApiInternalApi(lattice.serverName(), parts.downloads(), parts.thumbnails());
    }

    /** The media routes over the given pieces: the wiring above, and tests that bind the routes without a server. */
    public static RouterFunction<ServerResponse> routes(
            MatrixRouter router,
            AccessTokens accessTokens,
            Supplier<UserApi> users,
            MediaApiDatabase database,
            MediaStore store,
            RemoteMediaCache remote,
            String serverName,
            MediaApiProperties properties,
            Clock clock) {
        Parts parts = new Parts(database, store, remote, serverName, properties, clock);
        Uploads uploads = new Uploads(
                serverName,
                database,
                store,
                properties.maxUploadSize().toBytes(),
                properties.enableAuthenticatedMedia(),
                new TokenBucketLimiter(
                        properties.uploadRate().perSecond(),
                        properties.uploadRate().burst(),
                        System::nanoTime),
                properties.userQuota().toBytes(),
                properties.thumbnails().pregenerate() ? parts.thumbnails()::pregenerate : media -> {},
                clock);
        MediaApiProperties.UrlPreview preview = properties.urlPreview();
        Optional<UrlPreviews> previews = preview.enabled()
                ? Optional.of(new UrlPreviews(
                        database,
                        new PreviewFetcher(
                                preview.ipRangeBlocklist().stream()
                                        .map(IpRange::parse)
                                        .toList(),
                                preview.ipRangeAllowlist().stream()
                                        .map(IpRange::parse)
                                        .toList(),
                                preview.maxPageSize().toBytes(),
                                preview.timeout(),
                                PreviewFetcher::systemResolver),
                        uploads,
                        properties.maxImagePixels(),
                        clock))
                : Optional.empty();
        MediaAdmin admin = new MediaAdmin(serverName, database, store, clock);
        return new MediaRoutes(accessTokens, uploads, parts.downloads(), parts.thumbnails(), previews)
                .routes(router)
                .and(new MediaAdminRoutes(accessTokens, users, admin).routes(router));
    }

    /** The reading side, shared by the client routes and {@link LocalMediaApi}. */
    private record Parts(Downloads downloads, Thumbnails thumbnails) {
        Parts(
                MediaApiDatabase database,
                MediaStore store,
                RemoteMediaCache remote,
                String serverName,
                MediaApiProperties properties,
                Clock clock) {
            this(new MediaLookup(serverName, database, remote), database, store, properties, clock);
        }

        private Parts(
                MediaLookup lookup,
                MediaApiDatabase database,
                MediaStore store,
                MediaApiProperties properties,
                Clock clock) {
            this(
                    new Downloads(lookup, store),
                    new Thumbnails(
                            lookup,
                            database,
                            store,
                            properties.maxImagePixels(),
                            ThumbnailSize.parseAll(properties.thumbnails().sizes()),
                            clock));
        }
    }
}
