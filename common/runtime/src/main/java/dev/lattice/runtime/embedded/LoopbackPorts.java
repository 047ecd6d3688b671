package dev.lattice.runtime.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free TCP ports on 127.0.0.1 for the embedded servers. */
public final class LoopbackPorts {
    private LoopbackPorts() {}

    /**
     * {@code count} ports that are free now and differ from each other. They are held open together while being
     * chosen: ports probed one at a time can repeat when the servers that will use them start concurrently (the
     * embedded Kafka's two listeners and PostgreSQL), and a server whose port another one took meanwhile fails in
     * confusing ways.
     */
    public static int[] free(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    /** One free port. */
    public static int free() throws IOException {
        return free(1)[0];
    }
}
