package dev.lattice.mediaapi.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standard thumbnail size and method. The server makes thumbnails only in these sizes (Synapse's defaults, the
 * sizes the spec says servers SHOULD produce), so a client asking every size from 1 to 10,000 cannot fill the disk.
 *
 * @param width the width of the box
 * @param height the height of the box
 * @param method how the image is fitted to the box
 */
public record ThumbnailSize(int width, int height, Method method) {

    /** The spec's thumbnailing methods (Content repository → Thumbnails). */
    public enum Method {
        /** Fill the box and cut what sticks out: the box's aspect ratio. */
        CROP,
        /** Fit inside the box: the image's aspect ratio. */
        SCALE;

        /** The method as in the query parameter and the database. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The spec's (and Synapse's) sizes, smallest first within each method. */
    public static final List<ThumbnailSize> STANDARD = List.of(
            new ThumbnailSize(32, 32, Method.CROP),
            new ThumbnailSize(96, 96, Method.CROP),
            new ThumbnailSize(320, 240, Method.SCALE),
            new ThumbnailSize(640, 480, Method.SCALE),
            new ThumbnailSize(800, 600, Method.SCALE));

    /**
     * The standard size for a request: the smallest of the requested method at least as large as asked in both
     * dimensions, as the spec says ("never return thumbnails smaller than the client's requested dimensions"). A crop
     * larger than the largest crop size falls back to the smallest scale size that is large enough (the client gets
     * more pixels, never fewer, and crops itself).
     *
     * <p>// NOTSPEC: a request larger than every standard size gets the largest (800x600 scale), as Synapse does with
     * its default {@code dynamic_thumbnails: false}; generating arbitrary sizes on demand would let one client make
     * the server decode and store without bound.
     */
    public static ThumbnailSize select(int width, int height, Method method) {
        return select(STANDARD, width, height, method);
    }

    /** {@link #select(int, int, Method)} among {@code sizes} (smallest first, as {@link #parseAll}), not the standard. */
    public static ThumbnailSize select(List<ThumbnailSize> sizes, int width, int height, Method method) {
        ThumbnailSize fallback = null;
        for (ThumbnailSize size : sizes) {
            if (size.width >= width && size.height >= height) {
                if (size.method == method) {
                    return size;
                }
                if (fallback == null && size.method == Method.SCALE) {
                    fallback = size;
                }
            }
        }
        return fallback != null ? fallback : sizes.getLast(); // larger than every size: the largest
    }

    /**
     * Parses {@code 320x240-scale} (as in {@code lattice.media.thumbnails.sizes} and {@link #toString()}).
     *
     * @throws IllegalArgumentException for anything else, or a dimension outside 1–4096
     */
    public static ThumbnailSize parse(String text) {
        Matcher matcher = FORMAT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a thumbnail size like 320x240-scale: " + text);
        }
        int width = Integer.parseInt(matcher.group(1));
        int height = Integer.parseInt(matcher.group(2));
        if (width < 1 || height < 1 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException("thumbnail dimensions must be 1 to 4096: " + text);
        }
        return new ThumbnailSize(width, height, Method.valueOf(matcher.group(3).toUpperCase(Locale.ROOT)));
    }

    /**
     * Sizes as {@link #select} needs them: parsed, without duplicates, smallest (by area) first.
     *
     * @throws IllegalArgumentException if one does not parse, or there are none
     */
    public static List<ThumbnailSize> parseAll(List<String> texts) {
        List<ThumbnailSize> sizes = texts.stream()
                .map(ThumbnailSize::parse)
                .distinct()
                .sorted(Comparator.comparingLong(size -> (long) size.width * size.height))
                .toList();
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("at least one thumbnail size is needed");
        }
        return sizes;
    }

    @Override
    public String toString() {
        return width + "x" + height + "-" + method.value();
    }

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,5})x(\\d{1,5})-(crop|scale)");
}
