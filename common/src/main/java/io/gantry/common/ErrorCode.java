package io.gantry.common;

/**
 * Stable error codes, spelled as Triton's CloudAPI spells them, with the HTTP status each maps to.
 * The name is the wire code: it never changes once published.
 */
public enum ErrorCode {
    InvalidArgument(409),
    MissingParameter(409),
    InvalidState(409),
    ResourceNotFound(404),
    QuotaExceeded(403),
    NotAuthorized(403),
    InvalidCredentials(401),
    InvalidSignature(401),
    InvalidHeader(400),
    BadRequest(400),
    RequestTooLarge(413),
    /** The request line is longer than the server reads (restify's code for 414). */
    RequestUriTooLong(414),
    /** The request's header section is larger than the server reads (restify's code for 431). */
    RequestHeaderFieldsTooLarge(431),
    RequestThrottled(429),
    NotImplemented(501),
    ServiceUnavailable(503),
    InternalError(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
