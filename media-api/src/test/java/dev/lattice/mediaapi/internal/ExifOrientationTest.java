package dev.lattice.mediaapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** EXIF orientation: the TIFF tag, and where the stored top-left pixel ends up for each of the eight values. */
class ExifOrientationTest {

    private static byte[] exif(ByteOrder order, int type, int value) {
        ByteBuffer tiff = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4).order(order);
        tiff.put("Exif\0\0".getBytes());
        tiff.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M'));
        tiff.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M'));
        tiff.putShort((short) 42).putInt(8).putShort((short) 1);
        tiff.putShort((short) 0x0112)
                .putShort((short) type)
                .putInt(1)
                .putShort((short) value)
                .putShort((short) 0);
        return tiff.putInt(0).array();
    }

    @Test
    void theOrientationTagIsReadInBothByteOrders() {
        assertThat(ExifOrientation.fromTiff(exif(ByteOrder.BIG_ENDIAN, 3, 6))).isEqualTo(6);
        assertThat(ExifOrientation.fromTiff(exif(ByteOrder.LITTLE_ENDIAN, 3, 8)))
                .isEqualTo(8);
        // Out of range or of the wrong type: upright.
        assertThat(ExifOrientation.fromTiff(exif(ByteOrder.BIG_ENDIAN, 3, 9))).isEqualTo(1);
        assertThat(ExifOrientation.fromTiff(exif(ByteOrder.BIG_ENDIAN, 4, 6))).isEqualTo(1);
    }

    @Test
    void eachOrientationPutsTheStoredTopLeftPixelWhereItBelongs() {
        // 3 wide, 2 high; the stored top-left pixel is the only white one.
        BufferedImage stored = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        stored.setRGB(0, 0, 0xFFFFFF);
        int[][] expected = {
            null, {0, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 2}, {0, 2},
        };
        for (int orientation = 1; orientation <= 8; orientation++) {
            BufferedImage upright = ExifOrientation.apply(stored, orientation);
            boolean swapped = orientation >= 5;
            assertThat(upright.getWidth()).isEqualTo(swapped ? 2 : 3);
            assertThat(upright.getHeight()).isEqualTo(swapped ? 3 : 2);
            int x = expected[orientation][0];
            int y = expected[orientation][1];
            assertThat(upright.getRGB(x, y) & 0xFFFFFF)
                    .as("orientation %d", orientation)
                    .isEqualTo(0xFFFFFF);
        }
    }
}
