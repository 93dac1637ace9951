import Foundation
import Hummingbird
import NIOCore
import SluiceAPI

/// Reading request bodies: size limit first, then JSON decoding with errors that name the parameter.
enum RequestBody {
    /// Collects the body, refusing anything over `limit` bytes with a 413 (before reading it all when
    /// `Content-Length` already says so).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.payloadTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(limit: limit)
        }
    }

    /// Decodes a JSON body into `type`, mapping failures to 400s.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        guard buffer.readableBytes > 0 else {
            throw APIError.invalidRequest("The request body is empty; expected a JSON object.", code: "invalid_json")
        }
        do {
            return try buffer.withUnsafeReadableBytes { raw in
                try JSONDecoder().decode(T.self, from: Data(raw))
            }
        } catch let error as DecodingError {
            if case .typeMismatch(_, let context) = error, context.codingPath.isEmpty {
                throw APIError.invalidRequest("The request body must be a JSON object.", code: "invalid_json")
            }
            throw APIError(decoding: error)
        }
    }
}
