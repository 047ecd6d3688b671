package dev.lattice.mediaapi;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Images made on the spot for thumbnail tests: real encodings, a comment to strip, and a decompression bomb header. */
public final class TestImages {

    /** A PNG or JPEG ({@code format} as ImageIO names it) of the given size, with a gradient so it is not trivial. */
    public static byte[] image(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, Color.RED, width, height, Color.BLUE));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JPEG carrying {@code comment} in a COM segment right after SOI, as cameras carry metadata. */
    public static byte[] jpegWithComment(int width, int height, String comment) {
        byte[] jpeg = image("jpeg", width, height);
        byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + text.length);
        out.put(jpeg, 0, 2); // SOI
        out.put((byte) 0xFF)
                .put((byte) 0xFE)
                .putShort((short) (text.length + 2))
                .put(text);
        out.put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    /**
     * A JPEG, left half red and right half blue, carrying an EXIF APP1 segment (big-endian TIFF) with the given
     * orientation, inserted after the JFIF APP0 segment as cameras write it.
     */
    public static byte[] jpegWithOrientation(int width, int height, int orientation) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", encoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] jpeg = encoded.toByteArray();
        ByteBuffer tiff = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        tiff.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // header, IFD0 at 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0);
        tiff.putInt(0); // no next IFD
        byte[] app1 = tiff.array();
        int app0End = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff)); // SOI, then APP0 with its length
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + app1.length);
        out.put(jpeg, 0, app0End);
        out.put((byte) 0xFF)
                .put((byte) 0xE1)
                .putShort((short) (app1.length + 2))
                .put(app1);
        out.put(jpeg, app0End, jpeg.length - app0End);
        return out.array();
    }

    /**
     * A PNG whose header claims {@code width} × {@code height} RGBA pixels, followed by a few bytes of image data:
     * decoding it would need width × height × 4 bytes of memory, reading its header needs nothing.
     */
    public static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer out = ByteBuffer.allocate(8 + 25 + 12 + 16 + 12);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[16]);
        chunk(out, "IEND", new byte[0]);
        return out.array();
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
    }

    /** The decoded image, for checking a thumbnail's dimensions. */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestImages() {}
}
