package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Makes thumbnails with the JDK's own ImageIO: PNG, JPEG and GIF (first frame), no native code. Chosen over
 * libvips/ImageMagick bindings (native decoders, a long CVE history, a native dependency to ship) and over pure-Java
 * libraries such as TwelveMonkeys (more formats is more attack surface): the JDK's decoders are memory-safe Java,
 * patched with the JDK, and decode exactly the formats Synapse thumbnails except WebP.
 *
 * <p>Defences, in order: only the PNG, JPEG and GIF decoders are ever used, whatever else is installed; the
 * dimensions are read from the header before any pixel is decoded, and images over the pixel limit are refused (a
 * decompression bomb never gets decoded); large images are decoded subsampled, so memory follows the thumbnail's
 * size more than the original's; the output is a fresh image re-encoded, so no metadata (EXIF, GPS, comments) of the
 * original survives. All of this blocks: call it on {@code Schedulers.boundedElastic()}.
 *
 * <p>A JPEG's EXIF orientation is honoured ({@link ExifOrientation}), so a phone's portrait photo has a portrait
 * thumbnail. Not done: animated thumbnails, WebP.
 */
public final class ThumbnailImages {
    /** The decoders we trust with uploaded bytes (ImageIO format names, lower case). */
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif");

    /** Content types we try to thumbnail, as Synapse's supported formats without WebP. */
    private static final Set<String> THUMBNAILABLE = Set.of("image/png", "image/jpeg", "image/jpg", "image/gif");

    private static final float JPEG_QUALITY = 0.8f;

    /** An encoded thumbnail. */
    public record Encoded(byte[] bytes, String contentType, int width, int height) {
        public Encoded {
            requireNonNull(bytes, "bytes is null");
            requireNonNull(contentType, "contentType is null");
        }
    }

    /** Why no thumbnail can be made. */
    public static final class ThumbnailException extends Exception {
        /** The reasons, each with its own answer. */
        public enum Reason {
            /** Not a supported image, or corrupt. */
            UNDECODABLE,
            /** More pixels than the limit. */
            TOO_LARGE
        }

        private final Reason reason;

        public ThumbnailException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** Whether media of {@code contentType} is worth trying to thumbnail. */
    public static boolean isThumbnailable(String contentType) {
        return THUMBNAILABLE.contains(contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The thumbnail of the image in {@code in} for {@code size}, refusing images over {@code maxPixels}. JPEG stays
     * JPEG; PNG and GIF become PNG (keeping transparency).
     */
    public static Encoded thumbnail(InputStream in, ThumbnailSize size, long maxPixels) throws ThumbnailException {
        try (ImageInputStream input = new MemoryCacheImageInputStream(in)) {
            ImageReader reader = reader(input);
            try {
                boolean jpeg = reader.getFormatName().toLowerCase(Locale.ROOT).equals("jpeg");
                // Metadata is parsed only for JPEG, and only for the EXIF orientation.
                reader.setInput(input, true, !jpeg);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw undecodable("image has no pixels");
                }
                if ((long) width * height > maxPixels) {
                    throw new ThumbnailException(
                            ThumbnailException.Reason.TOO_LARGE,
                            "Image is too large to thumbnail: " + width + "x" + height);
                }
                int orientation = jpeg ? ExifOrientation.of(reader) : ExifOrientation.NORMAL;
                boolean swapped = ExifOrientation.swapsDimensions(orientation);
                int orientedWidth = swapped ? height : width;
                int orientedHeight = swapped ? width : height;
                Plan plan = Plan.of(orientedWidth, orientedHeight, size);
                ImageReadParam param = reader.getDefaultReadParam();
                int subsampling = plan.subsampling(orientedWidth, orientedHeight);
                if (subsampling > 1) {
                    param.setSourceSubsampling(subsampling, subsampling, 0, 0);
                }
                BufferedImage source = ExifOrientation.apply(reader.read(0, param), orientation);
                BufferedImage output = render(source, plan, jpeg);
                return new Encoded(
                        jpeg ? encodeJpeg(output) : encodePng(output),
                        jpeg ? "image/jpeg" : "image/png",
                        plan.outputWidth(),
                        plan.outputHeight());
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with IOExceptions and assorted runtime exceptions alike.
            throw undecodable(e.getMessage());
        }
    }

    /**
     * The width and height a PNG, JPEG or GIF declares in its header, when it is one and within {@code maxPixels};
     * no pixel is decoded.
     */
    public static Optional<int[]> dimensions(byte[] image, long maxPixels) {
        try (ImageInputStream input = new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(image))) {
            ImageReader reader = reader(input);
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                return width > 0 && height > 0 && (long) width * height <= maxPixels
                        ? Optional.of(new int[] {width, height})
                        : Optional.empty();
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException | ThumbnailException e) {
            return Optional.empty();
        }
    }

    private static ImageReader reader(ImageInputStream input) throws ThumbnailException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            try {
                if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                    return reader;
                }
            } catch (IOException e) {
                throw undecodable(e.getMessage());
            }
            reader.dispose();
        }
        throw undecodable("not a PNG, JPEG or GIF image");
    }

    private static ThumbnailException undecodable(String detail) {
        return new ThumbnailException(ThumbnailException.Reason.UNDECODABLE, "undecodable image: " + detail);
    }

    private static BufferedImage render(BufferedImage source, Plan plan, boolean opaque) {
        BufferedImage output = new BufferedImage(
                plan.outputWidth(),
                plan.outputHeight(),
                opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = output.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (opaque) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, plan.outputWidth(), plan.outputHeight());
            }
            // Scale the whole image to (scaledWidth, scaledHeight), shifted so the crop window lands on the output.
            g.drawImage(source, -plan.cropX(), -plan.cropY(), plan.scaledWidth(), plan.scaledHeight(), null);
        } finally {
            g.dispose();
        }
        return output;
    }

    private static byte[] encodeJpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] encodePng(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("the JDK has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Where the pixels go: the whole image is scaled to (scaledWidth, scaledHeight), then the window of
     * (outputWidth, outputHeight) at (cropX, cropY) is kept. Never upscales: an image smaller than the box keeps its
     * size (the spec: "Servers MUST NOT upscale thumbnails under any circumstance").
     */
    record Plan(int scaledWidth, int scaledHeight, int cropX, int cropY, int outputWidth, int outputHeight) {

        static Plan of(int width, int height, ThumbnailSize size) {
            long boxWidth = size.width();
            long boxHeight = size.height();
            return switch (size.method()) {
                case SCALE -> {
                    if (width <= boxWidth && height <= boxHeight) {
                        yield new Plan(width, height, 0, 0, width, height);
                    }
                    // The largest size with the image's aspect that fits the box (as Synapse's aspect()).
                    int w;
                    int h;
                    if (boxWidth * height < boxHeight * width) {
                        w = (int) boxWidth;
                        h = (int) Math.max(boxWidth * height / width, 1);
                    } else {
                        w = (int) Math.max(boxHeight * width / height, 1);
                        h = (int) boxHeight;
                    }
                    yield new Plan(w, h, 0, 0, w, h);
                }
                case CROP -> {
                    // The smallest size with the image's aspect that covers the box (as Synapse's crop()).
                    long w;
                    long h;
                    if (boxWidth * height > boxHeight * width) {
                        w = boxWidth;
                        h = boxWidth * height / width;
                    } else {
                        w = boxHeight * width / height;
                        h = boxHeight;
                    }
                    if (w > width || h > height) {
                        // Covering the box would upscale: keep the original size, cut to the box where it is larger.
                        w = width;
                        h = height;
                    }
                    int outWidth = (int) Math.min(boxWidth, w);
                    int outHeight = (int) Math.min(boxHeight, h);
                    yield new Plan(
                            (int) w, (int) h, (int) (w - outWidth) / 2, (int) (h - outHeight) / 2, outWidth, outHeight);
                }
            };
        }

        /**
         * How many source pixels to skip per decoded pixel, keeping the decoded image at least twice the scaled size
         * (so the bilinear downscale that follows still looks smooth).
         */
        int subsampling(int width, int height) {
            return Math.max(1, Math.min(width / (2 * scaledWidth), height / (2 * scaledHeight)));
        }
    }

    private ThumbnailImages() {}
}
