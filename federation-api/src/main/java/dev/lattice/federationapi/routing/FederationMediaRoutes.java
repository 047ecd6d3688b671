package dev.lattice.federationapi.routing;

import dev.lattice.api.mediaapi.LocalMediaApi;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.MatrixRouter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Our users' media for other servers (spec v1.11): {@code GET /_matrix/federation/v1/media/download/{mediaId}} and
 * {@code /thumbnail/{mediaId}}, answered by the media-api through {@link LocalMediaApi}. Each answer is
 * {@code multipart/mixed} with the two parts the spec requires: the JSON metadata ({@code {}}) and the bytes, streamed.
 * Where this process runs no media-api (a split deployment, until internal HTTP exists), both are 404
 * {@code M_NOT_FOUND}.
 */
@Configuration(proxyBeanMethods = false)
public class FederationMediaRoutes {

    @Bean
    RouterFunction<ServerResponse> federationMediaRouter(
            MatrixRouter router, FederationAuthFilter auth, ObjectProvider<LocalMediaApi> media) {
        return router.builder()
                .GET(
                        "/_matrix/federation/v1/media/download/{mediaId}",
                        request -> Mono.defer(() -> api(media).localMedia(request.pathVariable("mediaId")))
                                .flatMap(FederationMediaRoutes::multipart))
                .GET(
                        "/_matrix/federation/v1/media/thumbnail/{mediaId}",
                        request -> Mono.defer(() -> thumbnail(api(media), request))
                                .flatMap(FederationMediaRoutes::multipart))
                .build()
                .filter(auth);
    }

    private static LocalMediaApi api(ObjectProvider<LocalMediaApi> media) {
        LocalMediaApi api = media.getIfAvailable();
        if (api == null) {
            throw new MatrixException(ErrorCode.NOT_FOUND, "Media not found");
        }
        return api;
    }

    /**
     * The query as the client endpoint reads it: {@code width} and {@code height} required positive integers,
     * {@code method} {@code crop} or {@code scale} (default), {@code animated} a boolean (no animated thumbnails are
     * made, which the spec allows).
     */
    private static Mono<LocalMediaApi.Media> thumbnail(LocalMediaApi media, ServerRequest request) {
        int width = TransactionRoutes.query(request, "width", TransactionRoutes::positive);
        int height = TransactionRoutes.query(request, "height", TransactionRoutes::positive);
        String method = request.queryParam("method").orElse("scale");
        if (!method.equals("crop") && !method.equals("scale")) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "method must be crop or scale");
        }
        request.queryParam("animated").ifPresent(animated -> {
            if (!animated.equals("true") && !animated.equals("false")) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "animated must be true or false");
            }
        });
        return media.localThumbnail(request.pathVariable("mediaId"), width, height, method);
    }

    /** The two parts, with a Content-Length: the metadata, then the media with its type and filename. */
    static Mono<ServerResponse> multipart(LocalMediaApi.Media media) {
        String boundary = UUID.randomUUID().toString().replace("-", "");
        StringBuilder head = new StringBuilder()
                .append("--")
                .append(boundary)
                .append("\r\nContent-Type: application/json\r\n\r\n{}\r\n--")
                .append(boundary)
                .append("\r\nContent-Type: ")
                .append(media.contentType())
                .append("\r\n");
        media.fileName()
                .ifPresent(name -> head.append("Content-Disposition: ")
                        .append(ContentDisposition.attachment()
                                .filename(name, StandardCharsets.UTF_8)
                                .build())
                        .append("\r\n"));
        head.append("\r\n");
        byte[] prefix = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] suffix = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        Flux<DataBuffer> body = Flux.concat(
                Mono.fromSupplier(() -> DefaultDataBufferFactory.sharedInstance.wrap(prefix)),
                media.content().map(DefaultDataBufferFactory.sharedInstance::wrap),
                Mono.fromSupplier(() -> DefaultDataBufferFactory.sharedInstance.wrap(suffix)));
        return ServerResponse.ok()
                .header(HttpHeaders.CONTENT_TYPE, "multipart/mixed; boundary=" + boundary)
                .contentLength(prefix.length + media.size() + suffix.length)
                .body(BodyInserters.fromDataBuffers(body));
    }
}
