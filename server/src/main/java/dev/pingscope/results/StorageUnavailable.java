package dev.pingscope.results;

/** The database cannot be reached or refused the work: the request answers 503 with Retry-After. */
final class StorageUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StorageUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
