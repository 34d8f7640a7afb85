package dev.pingscope.results;

/** A save refused before anything was stored: the HTTP status, the error code of the contract and why. */
final class InvalidSave extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    InvalidSave(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    static InvalidSave invalid(String message) {
        return new InvalidSave(400, "invalid", message);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
