package dev.lattice.mediaapi.storage;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/** What the store tests read back. */
public final class StoreContents {
    private StoreContents() {}

    /** The whole content of a {@link MediaStore#read} stream, its buffers released. */
    public static byte[] readAll(Flux<DataBuffer> content) {
        return DataBufferUtils.join(content)
                .map(buffer -> {
                    byte[] out = new byte[buffer.readableByteCount()];
                    buffer.read(out);
                    DataBufferUtils.release(buffer);
                    return out;
                })
                .block();
    }
}
