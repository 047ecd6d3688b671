package dev.lattice.runtime.http;

import java.nio.ByteBuffer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/** Moving bytes out of Spring's (possibly pooled) buffers, for contracts that carry plain {@link ByteBuffer}s. */
public final class DataBuffers {
    private DataBuffers() {}

    /** A heap copy of the buffer's readable bytes; the buffer is released, so the caller owns only the copy. */
    public static ByteBuffer copyAndRelease(DataBuffer buffer) {
        try {
            ByteBuffer copy = ByteBuffer.allocate(buffer.readableByteCount());
            buffer.toByteBuffer(copy);
            return copy;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
