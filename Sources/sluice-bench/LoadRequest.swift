import NIOCore
import NIOHTTP1

/// The one request a load run sends over and over.
struct LoadRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    var body: ByteBuffer?

    /// A JSON `POST` with `Content-Length` and keep-alive.
    static func post(path: String, json: String, host: String, port: Int) -> LoadRequest {
        let body = ByteBuffer(string: json)
        let headers: HTTPHeaders = [
            "host": "\(host):\(port)",
            "content-type": "application/json",
            "content-length": String(body.readableBytes),
            "authorization": "Bearer \(BenchKey.value)",
        ]
        return LoadRequest(method: .POST, path: path, headers: headers, body: body)
    }

    /// A `GET` with keep-alive.
    static func get(path: String, host: String, port: Int) -> LoadRequest {
        LoadRequest(
            method: .GET, path: path, headers: ["host": "\(host):\(port)", "authorization": "Bearer \(BenchKey.value)"],
            body: nil)
    }

    /// The chat request every measurement sends: `{"model":"mock","messages":[{"role":"user","content":"hi"}]}`,
    /// with `"stream":true` added when `stream` is set.
    static func chat(stream: Bool, host: String, port: Int) -> LoadRequest {
        let json = stream
            ? #"{"model":"mock","messages":[{"role":"user","content":"hi"}],"stream":true}"#
            : #"{"model":"mock","messages":[{"role":"user","content":"hi"}]}"#
        return post(path: "/v1/chat/completions", json: json, host: host, port: port)
    }
}
