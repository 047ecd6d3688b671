package dev.lattice.runtime.http;

/** A listener's port is taken; the message names the port and the key that configures it. */
public final class PortInUseException extends RuntimeException {
    public PortInUseException(int port, String configKey, Throwable cause) {
        super("port " + port + " is already in use (set " + configKey + " to another port)", cause);
    }
}
