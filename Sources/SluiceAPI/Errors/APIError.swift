/// An error Sluice returns to a client, in the OpenAI shape
/// `{"error":{"message","type","param","code"}}`, with the HTTP status it goes out with.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    public var message: String
    /// The OpenAI error type, such as `invalid_request_error` or `rate_limit_error`.
    public var type: String
    /// The request parameter at fault, when there is one.
    public var param: String?
    /// A machine-readable code, such as `model_not_found`.
    public var code: String?
    /// Seconds the client should wait before trying again (sent as `Retry-After`).
    public var retryAfter: String?

    public init(
        status: Int, message: String, type: String, param: String? = nil, code: String? = nil,
        retryAfter: String? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status) \(type): \(message)" }

    /// The JSON body for this error.
    public var body: APIErrorBody {
        APIErrorBody(error: .init(message: message, type: type, param: param, code: code))
    }
}

extension APIError {
    /// 400: the request is malformed or a parameter is invalid.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 400: a parameter the chosen backend cannot honour.
    public static func unsupportedParameter(_ param: String, _ message: String) -> APIError {
        APIError(
            status: 400, message: message, type: "invalid_request_error", param: param,
            code: "unsupported_parameter")
    }

    /// 401: missing or wrong credentials.
    public static func authentication(_ message: String) -> APIError {
        APIError(status: 401, message: message, type: "authentication_error", code: "invalid_api_key")
    }

    /// 404: the model (or route) does not exist here.
    public static func modelNotFound(_ model: String) -> APIError {
        APIError(
            status: 404, message: "The model '\(model)' does not exist or you do not have access to it.",
            type: "invalid_request_error", param: "model", code: "model_not_found")
    }

    /// 404: no such path.
    public static func notFound(_ message: String) -> APIError {
        APIError(status: 404, message: message, type: "invalid_request_error", code: "not_found")
    }

    /// 405: the path exists but not for this method.
    public static func methodNotAllowed(_ message: String) -> APIError {
        APIError(status: 405, message: message, type: "invalid_request_error", code: "method_not_allowed")
    }

    /// 413: the body is larger than the configured limit.
    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(
            status: 413, message: "Request body is larger than the limit of \(limit) bytes.",
            type: "invalid_request_error", code: "request_too_large")
    }

    /// 415: the body is not JSON.
    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(
            status: 415, message: "Content-Type must be application/json, got '\(contentType)'.",
            type: "invalid_request_error", code: "unsupported_media_type")
    }

    /// 429: too many requests.
    public static func rateLimited(_ message: String, retryAfter: String? = nil) -> APIError {
        APIError(
            status: 429, message: message, type: "rate_limit_error", code: "rate_limit_exceeded",
            retryAfter: retryAfter)
    }

    /// 500: a fault inside Sluice.
    public static func internalError(_ message: String) -> APIError {
        APIError(status: 500, message: message, type: "server_error", code: "internal_error")
    }

    /// 503: the service cannot take the request now.
    public static func unavailable(_ message: String, retryAfter: String? = nil) -> APIError {
        APIError(status: 503, message: message, type: "server_error", code: "service_unavailable", retryAfter: retryAfter)
    }
}

/// The body of an error response.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public var error: Detail

    public init(error: Detail) { self.error = error }

    /// The `error` member. `param` and `code` are always written, as `null` when absent.
    public struct Detail: Codable, Sendable, Hashable {
        public var message: String
        public var type: String
        public var param: String?
        public var code: String?

        public init(message: String, type: String, param: String?, code: String?) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        private enum CodingKeys: String, CodingKey { case message, type, param, code }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
            type = try container.decodeIfPresent(String.self, forKey: .type) ?? ""
            param = try container.decodeIfPresent(String.self, forKey: .param)
            // Some upstreams send numeric codes.
            if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
                code = text
            } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            } else {
                code = nil
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }
    }
}
