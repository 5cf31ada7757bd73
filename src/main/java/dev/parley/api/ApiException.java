package dev.parley.api;

/**
 * A refused API call: the HTTP status and the JSON error document
 * {@code {"error": code, "reason": reason}} it is answered with. Thrown by endpoints, answered by
 * {@link ApiServer}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** The short machine-readable code, e.g. "not_found". */
    public String error() {
        return error;
    }

    static ApiException badRequest(String reason) {
        return new ApiException(400, "bad_request", reason);
    }

    static ApiException notFound(String reason) {
        return new ApiException(404, "not_found", reason);
    }

    static ApiException busy(String reason) {
        return new ApiException(503, "busy", reason);
    }
}
