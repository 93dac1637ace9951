import NIOCore

/// The mock upstream's answers, encoded once as whole HTTP/1.1 responses (status line, headers and
/// body) so that answering a request is a single write of a shared buffer.
struct MockResponses: Sendable {
    /// `200` with a fixed `chat.completion` (with usage), `Content-Length` framed.
    let completion: ByteBuffer
    /// `200` with a short SSE stream, chunked: a role chunk, five content chunks, a finish chunk, a
    /// usage chunk, and `[DONE]`.
    let stream: ByteBuffer
    /// `404` for any other path.
    let notFound: ByteBuffer

    static let completionBody: String = #"""
        {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"mock",\#
        "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},\#
        "finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}
        """#

    /// The SSE events of the streamed answer, in order, without the `data: ` prefix.
    static let streamEvents: [String] = {
        let head = #""id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"mock""#
        func delta(_ json: String, finish: String = "null") -> String {
            #"{\#(head),"choices":[{"index":0,"delta":\#(json),"finish_reason":\#(finish)}]}"#
        }
        var events = [delta(#"{"role":"assistant","content":""}"#)]
        for piece in ["Hello", "!", " How can", " I help", " you today?"] {
            events.append(delta(#"{"content":"\#(piece)"}"#))
        }
        events.append(delta("{}", finish: #""stop""#))
        events.append(#"{\#(head),"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}"#)
        events.append("[DONE]")
        return events
    }()

    init() {
        let allocator = ByteBufferAllocator()
        let body = Self.completionBody
        var completion = allocator.buffer(capacity: body.utf8.count + 128)
        completion.writeString(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\r\n")
        completion.writeString(body)
        self.completion = completion

        var stream = allocator.buffer(capacity: 4096)
        stream.writeString(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n")
        for event in Self.streamEvents {
            let frame = "data: \(event)\n\n"
            stream.writeString(String(frame.utf8.count, radix: 16) + "\r\n" + frame + "\r\n")
        }
        stream.writeString("0\r\n\r\n")
        self.stream = stream

        var notFound = allocator.buffer(capacity: 64)
        notFound.writeString("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
        self.notFound = notFound
    }
}
