package dev.lattice.runtime.bus;

/**
 * A failure that may pass if the same record is handled again (a database or broker briefly away). A consumer
 * retries it without acknowledging; any other exception marks the record as poison, to be parked and skipped.
 */
public class RetriableException extends RuntimeException {
    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
