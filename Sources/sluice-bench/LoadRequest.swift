import NIOCore
import NIOHTTP1

/// The one request a load run sends over and over.
struct LoadRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    var body: ByteBuffer?

    /// A JSON `POST` with `Content-Length` and keep-alive, carrying `bearer` (by default ``BenchKey/value``).
    static func post(path: String, json: String, host: String, port: Int, bearer: String = BenchKey.value) -> LoadRequest {
        let body = ByteBuffer(string: json)
        let headers: HTTPHeaders = [
            "host": "\(host):\(port)",
            "content-type": "application/json",
            "content-length": String(body.readableBytes),
            "authorization": "Bearer \(bearer)",
        ]
        return LoadRequest(method: .POST, path: path, headers: headers, body: body)
    }

    /// A `GET` with keep-alive, carrying `bearer` (by default ``BenchKey/value``).
    static func get(path: String, host: String, port: Int, bearer: String = BenchKey.value) -> LoadRequest {
        LoadRequest(
            method: .GET, path: path, headers: ["host": "\(host):\(port)", "authorization": "Bearer \(bearer)"],
            body: nil)
    }

    /// The chat request every measurement sends: `{"model":"mock","messages":[{"role":"user","content":"hi"}]}`,
    /// with `"stream":true` added when `stream` is set, carrying `bearer` (by default ``BenchKey/value``).
    static func chat(stream: Bool, host: String, port: Int, bearer: String = BenchKey.value) -> LoadRequest {
        let json = stream
            ? #"{"model":"mock","messages":[{"role":"user","content":"hi"}],"stream":true}"#
            : #"{"model":"mock","messages":[{"role":"user","content":"hi"}]}"#
        return post(path: "/v1/chat/completions", json: json, host: host, port: port, bearer: bearer)
    }
}
