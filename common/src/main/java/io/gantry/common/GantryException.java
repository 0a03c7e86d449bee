package io.gantry.common;

/** A failure with a stable {@link ErrorCode} and a message written for the person who reads it. */
public class GantryException extends RuntimeException {
    private final ErrorCode code;

    public GantryException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public GantryException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static GantryException invalid(String message) {
        return new GantryException(ErrorCode.InvalidArgument, message);
    }

    public static GantryException notFound(String message) {
        return new GantryException(ErrorCode.ResourceNotFound, message);
    }

    public static GantryException invalidState(String message) {
        return new GantryException(ErrorCode.InvalidState, message);
    }

    public static GantryException internal(String message) {
        return new GantryException(ErrorCode.InternalError, message);
    }

    /** The CloudAPI error body: {@code {"code":…,"message":…}}. */
    public ErrorBody body() {
        return new ErrorBody(code.name(), getMessage());
    }

    public record ErrorBody(String code, String message) {
    }
}
