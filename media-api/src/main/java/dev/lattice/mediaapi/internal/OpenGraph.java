package dev.lattice.mediaapi.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.springframework.http.MediaType;

/**
 * The OpenGraph data of an HTML page (<a href="https://ogp.me/">ogp.me</a>), as URL previews return it: every
 * {@code og:*} property of the page's {@code <meta>} tags (the first of each), with the fallbacks Synapse uses when a
 * page has none: {@code <title>} for {@code og:title}, the {@code description} meta tag for
 * {@code og:description}, the first {@code <img>} for {@code og:image}. Relative image URLs are made absolute against
 * the page's URL; {@code og:image:width}/{@code height} are numbers. Pure: no I/O.
 *
 * <p>The charset is the Content-Type's if it names one Java knows, else what the page itself says (a BOM, a
 * {@code <meta charset>}), else UTF-8: jsoup's detection, which follows the HTML standard's.
 */
public final class OpenGraph {
    /** Longer texts are cut: a preview is a line or two, and the cache should not hold whole pages. */
    static final int MAX_TEXT = 500;

    private OpenGraph() {}

    public static Map<String, Object> of(byte[] html, Optional<String> contentType, URI page) {
        Document document;
        try {
            document = Jsoup.parse(new ByteArrayInputStream(html), charset(contentType), page.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> og = new LinkedHashMap<>();
        for (Element meta : document.select("meta[property^=og:], meta[name^=og:]")) {
            String key = meta.hasAttr("property") ? meta.attr("property") : meta.attr("name");
            String value = meta.attr("content").strip();
            if (!value.isEmpty() && key.length() <= 64) {
                og.putIfAbsent(key.toLowerCase(Locale.ROOT), cut(value));
            }
        }
        if (!og.containsKey("og:title") && !document.title().isBlank()) {
            og.put("og:title", cut(document.title().strip()));
        }
        if (!og.containsKey("og:description")) {
            Element description = document.selectFirst("meta[name=description]");
            if (description != null && !description.attr("content").isBlank()) {
                og.put("og:description", cut(description.attr("content").strip()));
            }
        }
        if (og.containsKey("og:image")) {
            og.put("og:image", absolute(page, (String) og.get("og:image")));
        } else {
            Element image = document.selectFirst("img[src]");
            if (image != null && !image.attr("src").startsWith("data:")) {
                og.put("og:image", image.absUrl("src"));
            }
        }
        for (String dimension : new String[] {"og:image:width", "og:image:height"}) {
            if (og.get(dimension) instanceof String text) {
                try {
                    og.put(dimension, Long.parseLong(text));
                } catch (NumberFormatException e) {
                    og.remove(dimension);
                }
            }
        }
        return og;
    }

    private static String charset(Optional<String> contentType) {
        try {
            return contentType
                    .map(MediaType::parseMediaType)
                    .map(MediaType::getCharset)
                    .map(Charset::name)
                    .orElse(null);
        } catch (RuntimeException e) {
            // An unknown or malformed charset: let the page say.
            return null;
        }
    }

    private static String absolute(URI page, String url) {
        try {
            return page.resolve(url.strip()).toString();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }
}
