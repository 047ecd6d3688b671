package dev.lattice.mediaapi.internal;

import java.util.List;

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
        ThumbnailSize fallback = null;
        for (ThumbnailSize size : STANDARD) {
            if (size.width >= width && size.height >= height) {
                if (size.method == method) {
                    return size;
                }
                if (fallback == null && size.method == Method.SCALE) {
                    fallback = size;
                }
            }
        }
        return fallback != null ? fallback : STANDARD.getLast();
    }
}
