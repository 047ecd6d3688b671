package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.federationapi.RemoteMediaApi.MediaSink;
import dev.lattice.protocol.spec.MatrixException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class MultipartMediaTest {
    private static final String TYPE = "multipart/mixed; boundary=6067d4698f8d40a0a794ea7d7379d53a";

    /** What the sink saw. */
    private record Received(String contentType, Optional<String> fileName, byte[] bytes) {}

    private static final MediaSink<Received> SINK =
            (contentType, fileName, content) -> content.reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                        byte[] bytes = new byte[chunk.remaining()];
                        chunk.get(bytes);
                        out.writeBytes(bytes);
                        return out;
                    })
                    .map(out -> new Received(contentType, fileName, out.toByteArray()));

    private static byte[] answer(String secondPartHeaders, byte[] media) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--6067d4698f8d40a0a794ea7d7379d53a\r\nContent-Type: application/json\r\n\r\n{}\r\n"
                        + "--6067d4698f8d40a0a794ea7d7379d53a\r\n" + secondPartHeaders + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(media);
        out.writeBytes("\r\n--6067d4698f8d40a0a794ea7d7379d53a--\r\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The answer in chunks of {@code size} bytes, as the network might cut it. */
    private static Flux<byte[]> chunks(byte[] answer, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < answer.length; i += size) {
            out.add(Arrays.copyOfRange(answer, i, Math.min(answer.length, i + size)));
        }
        return Flux.fromIterable(out);
    }

    private static byte[] media(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    @Test
    void theSecondPartIsTheMediaWithItsTypeAndFileName() {
        byte[] media = media(200_000);
        byte[] answer =
                answer("Content-Type: image/png\r\nContent-Disposition: inline; filename*=utf-8''caf%C3%A9.png", media);
        for (int chunk : new int[] {1_000_000, 8192, 37}) {
            Received received = MultipartMedia.read(
                            TYPE, chunks(answer, chunk), 1_000_000, SINK, location -> Mono.error(new AssertionError()))
                    .block();
            assertThat(received.contentType()).isEqualTo("image/png");
            assertThat(received.fileName()).contains("café.png");
            assertThat(received.bytes()).isEqualTo(media);
        }
    }

    @Test
    void mediaWithoutHeadersIsOctetStreamWithoutName() {
        byte[] media = media(1000);
        Received received = MultipartMedia.read(
                        TYPE,
                        chunks(answer("Content-Type: application/octet-stream", media), 100),
                        1000,
                        SINK,
                        location -> Mono.error(new AssertionError()))
                .block();
        assertThat(received.contentType()).isEqualTo("application/octet-stream");
        assertThat(received.fileName()).isEmpty();
        assertThat(received.bytes()).isEqualTo(media);
    }

    @Test
    void aLocationIsFollowedInsteadOfReadingABody() {
        byte[] answer = answer("Location: https://cdn.example.org/media/abc?sig=1", new byte[0]);
        Received received = MultipartMedia.read(
                        TYPE,
                        chunks(answer, 16),
                        1000,
                        (contentType, fileName, content) -> Mono.error(new AssertionError("no body to store")),
                        location -> Mono.just(new Received("followed", Optional.of(location), new byte[0])))
                .block();
        assertThat(received.contentType()).isEqualTo("followed");
        assertThat(received.fileName()).contains("https://cdn.example.org/media/abc?sig=1");
    }

    @Test
    void mediaOverTheLimitFailsWithTooLarge() {
        byte[] answer = answer("Content-Type: image/png", media(10_001));
        assertThatThrownBy(() -> MultipartMedia.read(TYPE, chunks(answer, 512), 10_000, SINK, location -> Mono.empty())
                        .block())
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo("M_TOO_LARGE");
                    assertThat(e.httpStatus()).isEqualTo(502);
                });
        byte[] exact = answer("Content-Type: image/png", media(10_000));
        assertThat(MultipartMedia.read(TYPE, chunks(exact, 512), 10_000, SINK, location -> Mono.empty())
                        .block()
                        .bytes())
                .hasSize(10_000);
    }

    @Test
    void answersThatAreNotTwoPartsAreRefused() {
        byte[] onlyJson =
                ("--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MultipartMedia.read(
                                "multipart/mixed; boundary=b", Flux.just(onlyJson), 1000, SINK, l -> Mono.empty())
                        .block())
                .isInstanceOf(MultipartMedia.MalformedAnswer.class);
        assertThatThrownBy(() -> MultipartMedia.read("image/png", Flux.just(media(10)), 1000, SINK, l -> Mono.empty())
                        .block())
                .isInstanceOf(MultipartMedia.MalformedAnswer.class);
        byte[] three = ("--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nContent-Type: text/plain\r\n\r\nx"
                        + "\r\n--b\r\nContent-Type: text/plain\r\n\r\ny\r\n--b--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        // The media is the second part; a third is never read into anything.
        assertThat(MultipartMedia.read("multipart/mixed; boundary=b", Flux.just(three), 1000, SINK, l -> Mono.empty())
                        .block()
                        .bytes())
                .isEqualTo("x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void limitedCountsAcrossChunks() {
        Flux<ByteBuffer> content = Flux.just(ByteBuffer.allocate(6), ByteBuffer.allocate(5));
        assertThatThrownBy(() -> MultipartMedia.limited(content, 10).blockLast())
                .isInstanceOf(MatrixException.class);
        assertThat(MultipartMedia.limited(content, 11).count().block()).isEqualTo(2);
    }
}
