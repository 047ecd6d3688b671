package dev.lattice.mediaapi.internal;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * The EXIF orientation of a JPEG (TIFF tag 0x0112, values 1 to 8), and turning the decoded pixels upright. The JDK's
 * JPEG reader exposes EXIF only as a raw APP1 segment ("unknown" marker 225 in its native metadata tree), so the
 * orientation is read from that segment's TIFF structure here: the header, IFD0, and the one tag. Anything
 * malformed counts as no orientation (1), as Synapse ignores EXIF it cannot parse.
 */
final class ExifOrientation {
    static final int NORMAL = 1;

    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";
    private static final int APP1 = 0xE1;
    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);

    /** The orientation of the first image of a JPEG reader whose input was set with metadata; 1 when none. */
    static int of(ImageReader reader) {
        try {
            IIOMetadata metadata = reader.getImageMetadata(0);
            if (metadata == null) {
                return NORMAL;
            }
            Node root = metadata.getAsTree(JPEG_METADATA);
            for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (!child.getNodeName().equals("markerSequence")) {
                    continue;
                }
                for (Node marker = child.getFirstChild(); marker != null; marker = marker.getNextSibling()) {
                    if (marker instanceof IIOMetadataNode node
                            && node.getNodeName().equals("unknown")
                            && Integer.toString(APP1).equals(node.getAttribute("MarkerTag"))
                            && node.getUserObject() instanceof byte[] segment
                            && isExif(segment)) {
                        return fromTiff(segment);
                    }
                }
            }
        } catch (Exception e) {
            // Malformed metadata: the pixels may still decode; the image is taken as upright.
        }
        return NORMAL;
    }

    private static boolean isExif(byte[] segment) {
        if (segment.length < EXIF_HEADER.length + 8) {
            return false;
        }
        for (int i = 0; i < EXIF_HEADER.length; i++) {
            if (segment[i] != EXIF_HEADER[i]) {
                return false;
            }
        }
        return true;
    }

    /** Tag 0x0112 of IFD0 in the TIFF structure after the {@code Exif\0\0} header. */
    static int fromTiff(byte[] segment) {
        ByteBuffer tiff = ByteBuffer.wrap(segment, EXIF_HEADER.length, segment.length - EXIF_HEADER.length)
                .slice();
        if (tiff.get(0) == 'I' && tiff.get(1) == 'I') {
            tiff.order(ByteOrder.LITTLE_ENDIAN);
        } else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') {
            return NORMAL;
        }
        if (tiff.getShort(2) != 42) {
            return NORMAL;
        }
        int ifd = tiff.getInt(4);
        int entries = Short.toUnsignedInt(tiff.getShort(ifd));
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            if (Short.toUnsignedInt(tiff.getShort(entry)) == ORIENTATION_TAG) {
                if (tiff.getShort(entry + 2) != TYPE_SHORT) {
                    return NORMAL;
                }
                int value = Short.toUnsignedInt(tiff.getShort(entry + 8));
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    /** Whether the upright image is the stored one turned by a quarter (orientations 5 to 8). */
    static boolean swapsDimensions(int orientation) {
        return orientation >= 5;
    }

    /** The upright image: {@code source} flipped and turned as its orientation says. */
    static BufferedImage apply(BufferedImage source, int orientation) {
        if (orientation == NORMAL) {
            return source;
        }
        int w = source.getWidth();
        int h = source.getHeight();
        boolean swap = swapsDimensions(orientation);
        BufferedImage upright = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = source.getRGB(x, y);
                switch (orientation) {
                    case 2 -> upright.setRGB(w - 1 - x, y, rgb); // mirrored
                    case 3 -> upright.setRGB(w - 1 - x, h - 1 - y, rgb); // turned 180°
                    case 4 -> upright.setRGB(x, h - 1 - y, rgb); // flipped
                    case 5 -> upright.setRGB(y, x, rgb); // transposed
                    case 6 -> upright.setRGB(h - 1 - y, x, rgb); // stored turned 90° counter-clockwise
                    case 7 -> upright.setRGB(h - 1 - y, w - 1 - x, rgb); // transversed
                    case 8 -> upright.setRGB(y, w - 1 - x, rgb); // stored turned 90° clockwise
                    default -> throw new IllegalArgumentException("orientation " + orientation);
                }
            }
        }
        return upright;
    }

    private ExifOrientation() {}
}
