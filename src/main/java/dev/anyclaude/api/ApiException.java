package dev.anyclaude.api;

/** Thrown where a request must end with an Anthropic error instead of a response. */
public class ApiException extends RuntimeException {
    private final ApiError error;

    public ApiException(ApiError error) {
        super(error.message());
        this.error = error;
    }

    public ApiException(ApiError error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(ApiError.invalidRequest(message));
    }

    public ApiError error() {
        return error;
    }
}
