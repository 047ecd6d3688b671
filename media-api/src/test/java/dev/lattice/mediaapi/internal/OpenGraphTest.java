package dev.lattice.mediaapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenGraphTest {
    private static final URI PAGE = URI.create("https://example.org/blog/post.html");

    private static Map<String, Object> og(String html) {
        return OpenGraph.of(html.getBytes(StandardCharsets.UTF_8), Optional.of("text/html"), PAGE);
    }

    @Test
    void ogPropertiesComeFromMetaTagsTheFirstOfEachWins() {
        Map<String, Object> og = og("<html><head><title>Not this</title>"
                + "<meta property=\"og:title\" content=\" Matrix Blog Post \">"
                + "<meta property=\"og:title\" content=\"second\">"
                + "<meta property=\"og:description\" content=\"A really cool post\">"
                + "<meta property=\"og:image\" content=\"/images/cover.png\">"
                + "<meta property=\"og:image:width\" content=\"48\">"
                + "<meta property=\"og:image:height\" content=\"tall\">"
                + "<meta name=\"og:site_name\" content=\"Matrix.org\">"
                + "</head><body><img src=\"other.png\"></body></html>");
        assertThat(og)
                .containsEntry("og:title", "Matrix Blog Post")
                .containsEntry("og:description", "A really cool post")
                .containsEntry("og:image", "https://example.org/images/cover.png")
                .containsEntry("og:image:width", 48L)
                .containsEntry("og:site_name", "Matrix.org")
                .doesNotContainKey("og:image:height");
    }

    @Test
    void withoutOgTheTitleDescriptionAndFirstImageServe() {
        Map<String, Object> og = og(
                "<html><head><title>A page</title>"
                        + "<meta name=\"description\" content=\"What it is about\"></head>"
                        + "<body><img src=\"data:image/png;base64,AAAA\"><p>text</p><img src=\"pics/first.jpg\"></body></html>");
        assertThat(og).containsEntry("og:title", "A page").containsEntry("og:description", "What it is about");
        // A data: image first: nothing to fetch, so no image (the first <img> only, as Synapse's fallback).
        assertThat(og).doesNotContainKey("og:image");
        assertThat(og("<body><img src=\"pics/first.jpg\"></body>"))
                .containsEntry("og:image", "https://example.org/blog/pics/first.jpg");
    }

    @Test
    void theCharsetIsTheHeadersElseThePagesOwn() {
        Charset latin1 = StandardCharsets.ISO_8859_1;
        byte[] declared = "<html><head><meta charset=\"iso-8859-1\"><title>Café</title></head></html>".getBytes(latin1);
        assertThat(OpenGraph.of(declared, Optional.of("text/html"), PAGE)).containsEntry("og:title", "Café");
        byte[] undeclared = "<html><head><title>Café</title></head></html>".getBytes(latin1);
        assertThat(OpenGraph.of(undeclared, Optional.of("text/html; charset=ISO-8859-1"), PAGE))
                .containsEntry("og:title", "Café");
        // An unknown charset in the header: the page decides (here UTF-8 by default).
        byte[] utf8 = "<title>Café</title>".getBytes(StandardCharsets.UTF_8);
        assertThat(OpenGraph.of(utf8, Optional.of("text/html; charset=nonsense"), PAGE))
                .containsEntry("og:title", "Café");
    }

    @Test
    void longTextsAreCutAndEmptyPagesGiveNothing() {
        Map<String, Object> og = og("<meta property=\"og:description\" content=\"" + "x".repeat(5000) + "\">");
        assertThat((String) og.get("og:description")).hasSize(OpenGraph.MAX_TEXT);
        assertThat(og("")).isEmpty();
        assertThat(og("not html at all < > &")).isEmpty();
    }
}
