import SluiceAPI
import Testing

@Suite("Server-Sent Events")
struct SSETests {
    @Test("events split at every byte boundary decode the same")
    func anySplit() {
        let stream = "event: message_start\ndata: {\"a\":1}\n\n: keep-alive comment\n\ndata: line one\ndata: line two\r\n\r\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        var whole = SSEDecoder()
        let expected = whole.feed(bytes)
        #expect(expected == [
            SSEEvent(event: "message_start", data: "{\"a\":1}"),
            SSEEvent(data: "line one\nline two"),
            SSEEvent(data: "[DONE]"),
        ])
        for split in 1..<bytes.count {
            var decoder = SSEDecoder()
            let events = decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...])
            #expect(events == expected, "split at \(split)")
        }
    }

    @Test("CR line endings, BOM, no space after colon, and a missing final blank line")
    func edgeCases() {
        var decoder = SSEDecoder()
        var events = decoder.feed(Array("\u{FEFF}data:x\r\rid: 7\rdata: y".utf8))
        if let last = decoder.finish() { events.append(last) }
        #expect(events == [SSEEvent(data: "x"), SSEEvent(data: "y", id: "7")])
    }

    @Test("multi-byte characters split across reads stay whole")
    func utf8Split() {
        let bytes = Array("data: 你好🙂\n\n".utf8)
        var decoder = SSEDecoder()
        var events: [SSEEvent] = []
        for byte in bytes { events += decoder.feed([byte]) }
        #expect(events == [SSEEvent(data: "你好🙂")])
    }

    @Test("the encoder writes one data line per line and round-trips")
    func encoder() {
        let event = SSEEvent(event: "content_block_delta", data: "a\nb")
        let bytes = SSEEncoder.encode(event)
        #expect(String(decoding: bytes, as: UTF8.self) == "event: content_block_delta\ndata: a\ndata: b\n\n")
        var decoder = SSEDecoder()
        #expect(decoder.feed(bytes) == [event])
        #expect(String(decoding: SSEEncoder.done, as: UTF8.self) == "data: [DONE]\n\n")
    }
}
