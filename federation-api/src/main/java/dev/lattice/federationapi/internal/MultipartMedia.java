package dev.lattice.federationapi.internal;

import dev.lattice.api.federationapi.RemoteMediaApi.MediaSink;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.DataBuffers;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a federation media answer ({@code multipart/mixed}, spec v1.11): exactly two parts, the JSON metadata
 * (ignored: always {@code {}} so far) and then either the media, with its {@code Content-Type} and
 * {@code Content-Disposition}, or a {@code Location} to fetch it from. Parsed as it arrives by Spring's streaming
 * multipart parser; the media's bytes go to the sink as they come, counted against the limit.
 */
final class MultipartMedia {
    private static final PartEventHttpMessageReader PARTS = new PartEventHttpMessageReader();

    private MultipartMedia() {}

    /**
     * @param contentType the answer's Content-Type, which carries the boundary
     * @param follow fetches the media from a {@code Location} into the sink
     * @return what the sink (or {@code follow}) made of the media; fails with {@link MalformedAnswer} for an answer
     *     that is not two parts of multipart, and 502 {@code M_TOO_LARGE} when the media passes {@code maxBytes}
     */
    static <T> Mono<T> read(
            String contentType, Flux<byte[]> body, long maxBytes, MediaSink<T> sink, Function<String, Mono<T>> follow) {
        if (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            return body.then(Mono.error(new MalformedAnswer("a media answer that is not multipart: " + contentType)));
        }
        return parts(contentType, body)
                .windowUntil(PartEvent::isLast)
                .index()
                .concatMap(part -> {
                    Flux<PartEvent> events = part.getT2();
                    return switch (part.getT1().intValue()) {
                        case 0 -> discard(events).then(Mono.<T>empty());
                        case 1 ->
                            events.switchOnFirst((first, all) -> {
                                if (!first.hasValue()) {
                                    return Flux.<T>empty();
                                }
                                HttpHeaders headers = first.get().headers();
                                String location = headers.getFirst(HttpHeaders.LOCATION);
                                if (location != null) {
                                    return discard(all).then(follow.apply(location));
                                }
                                return sink.store(
                                                contentType(headers),
                                                fileName(headers),
                                                limited(
                                                        all.map(event -> DataBuffers.copyAndRelease(event.content())),
                                                        maxBytes))
                                        .flux();
                            });
                        default -> discard(events).thenMany(Flux.<T>error(new MalformedAnswer("more than two parts")));
                    };
                })
                .next()
                .switchIfEmpty(Mono.error(new MalformedAnswer("no media part")));
    }

    /** The media of a plain (non-multipart) answer: the deprecated endpoint's, or a {@code Location}'s. */
    static <T> Mono<T> single(HttpHeaders headers, Flux<byte[]> body, long maxBytes, MediaSink<T> sink) {
        return sink.store(contentType(headers), fileName(headers), limited(body.map(ByteBuffer::wrap), maxBytes));
    }

    /** Fails the content with 502 {@code M_TOO_LARGE} as soon as it passes {@code maxBytes}. */
    static Flux<ByteBuffer> limited(Flux<ByteBuffer> content, long maxBytes) {
        return Flux.defer(() -> {
            AtomicLong seen = new AtomicLong();
            return content.map(chunk -> {
                if (seen.addAndGet(chunk.remaining()) > maxBytes) {
                    throw new MatrixException(ErrorCode.TOO_LARGE, "Remote media is larger than " + maxBytes + " bytes")
                            .withHttpStatus(502);
                }
                return chunk;
            });
        });
    }

    private static Flux<PartEvent> parts(String contentType, Flux<byte[]> body) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        Flux<DataBuffer> buffers = body.map(DefaultDataBufferFactory.sharedInstance::wrap);
        ReactiveHttpInputMessage message = new ReactiveHttpInputMessage() {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }

            @Override
            public Flux<DataBuffer> getBody() {
                return buffers;
            }
        };
        return PARTS.read(ResolvableType.forClass(PartEvent.class), message, Map.of());
    }

    private static Mono<Void> discard(Flux<PartEvent> events) {
        return events.doOnNext(event -> DataBufferUtils.release(event.content()))
                .then();
    }

    private static String contentType(HttpHeaders headers) {
        String value = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        return value == null || value.isBlank() ? "application/octet-stream" : value;
    }

    private static Optional<String> fileName(HttpHeaders headers) {
        String value = headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(ContentDisposition.parse(value).getFilename())
                    .filter(name -> !name.isBlank());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The other server's answer does not follow the spec. */
    static final class MalformedAnswer extends RuntimeException {
        MalformedAnswer(String message) {
            super(message, null, false, false);
        }
    }
}
