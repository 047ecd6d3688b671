package dev.lattice.runtime;

/** A start-up failure whose message is already the one line an operator needs (e.g. an unreadable signing key). */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
