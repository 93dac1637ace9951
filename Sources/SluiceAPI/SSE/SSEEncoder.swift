/// Writes Server-Sent Events in the framing OpenAI and Anthropic use.
public enum SSEEncoder {
    /// The bytes of one event: optional `event:` line, one `data:` line per line of data, blank line.
    public static func encode(_ event: SSEEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.data.utf8.count + 32)
        if let name = event.event {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: name.utf8)
            out.append(0x0A)
        }
        if let id = event.id {
            out.append(contentsOf: "id: ".utf8)
            out.append(contentsOf: id.utf8)
            out.append(0x0A)
        }
        var lineStart = true
        for byte in event.data.utf8 {
            if lineStart {
                out.append(contentsOf: "data: ".utf8)
                lineStart = false
            }
            if byte == 0x0A {
                out.append(0x0A)
                lineStart = true
            } else {
                out.append(byte)
            }
        }
        if lineStart { out.append(contentsOf: "data: ".utf8) }
        out.append(0x0A)
        out.append(0x0A)
        return out
    }

    /// `data: <json>\n\n` for a payload already encoded as JSON bytes.
    public static func data(_ json: some Sequence<UInt8>, event: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        if let event {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: event.utf8)
            out.append(0x0A)
        }
        out.append(contentsOf: "data: ".utf8)
        out.append(contentsOf: json)
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }

    /// The OpenAI end-of-stream marker, `data: [DONE]`.
    public static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)
}
