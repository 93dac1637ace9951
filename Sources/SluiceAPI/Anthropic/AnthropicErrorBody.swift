/// Anthropic's error body: `{"type":"error","error":{"type":…,"message":…}}`, optionally with the
/// `request_id` Anthropic adds.
public struct AnthropicErrorBody: Codable, Sendable, Hashable {
    /// Always `error`.
    public var type: String
    public var error: Detail
    public var requestID: String?

    public init(type: String, message: String, requestID: String? = nil) {
        self.type = "error"
        self.error = Detail(type: type, message: message)
        self.requestID = requestID
    }

    /// The `error` member.
    public struct Detail: Codable, Sendable, Hashable {
        /// `invalid_request_error`, `authentication_error`, `permission_error`, `not_found_error`,
        /// `request_too_large`, `rate_limit_error`, `api_error`, `overloaded_error`, …
        public var type: String
        public var message: String

        public init(type: String, message: String) {
            self.type = type
            self.message = message
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, error
        case requestID = "request_id"
    }

    /// The error type Anthropic documents for an HTTP status.
    public static func errorType(forStatus status: Int) -> String {
        switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 504: "timeout_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }

    /// The HTTP status Anthropic documents for an error type (529 for `overloaded_error`), or `nil`
    /// for a type it does not document.
    public static func status(forErrorType type: String) -> Int? {
        switch type {
        case "invalid_request_error": 400
        case "authentication_error": 401
        case "billing_error": 402
        case "permission_error": 403
        case "not_found_error": 404
        case "request_too_large": 413
        case "rate_limit_error": 429
        case "api_error": 500
        case "timeout_error": 504
        case "overloaded_error": 529
        default: nil
        }
    }
}
