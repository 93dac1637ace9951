import Testing

@testable import SluiceEngine

@Suite struct UTF8StreamDecoderTests {
    /// Feeds `bytes` in the given chunk sizes and returns every emitted chunk plus the final flush.
    private func chunks(_ bytes: [UInt8], sizes: [Int]) -> [String] {
        var decoder: UTF8StreamDecoder = UTF8StreamDecoder()
        var output: [String] = []
        var offset: Int = 0
        var sizeIndex: Int = 0
        while offset < bytes.count {
            let size: Int = sizes[sizeIndex % sizes.count]
            sizeIndex += 1
            let end: Int = min(bytes.count, offset + size)
            output.append(decoder.decode(bytes[offset..<end]))
            offset = end
        }
        output.append(decoder.finish())
        return output
    }

    @Test func byteByByteReassemblesMultiByteCharacters() {
        let text: String = "a€b🙂c你好"
        let output: [String] = chunks(Array(text.utf8), sizes: [1])
        #expect(output.joined() == text)
        // Every emitted chunk is whole characters: 'a', '', '', '€', 'b', '', '', '', '🙂', ...
        #expect(output.filter { (chunk: String) -> Bool in !chunk.isEmpty } == ["a", "€", "b", "🙂", "c", "你", "好"])
        #expect(!output.joined().unicodeScalars.contains("\u{FFFD}"))
    }

    @Test func everyChunkingOfMixedTextIsExact() {
        let text: String = "emoji 🙂🚀 and accents: café naïve 你好，世界！"
        let bytes: [UInt8] = Array(text.utf8)
        for size: Int in 1...7 {
            #expect(chunks(bytes, sizes: [size]).joined() == text, "chunk size \(size)")
            #expect(chunks(bytes, sizes: [size, 1, 3]).joined() == text, "chunk sizes \(size),1,3")
        }
    }

    @Test func heldBytesAreNotEmittedUntilComplete() {
        var decoder: UTF8StreamDecoder = UTF8StreamDecoder()
        let rocket: [UInt8] = Array("🚀".utf8)
        #expect(decoder.decode(rocket[0..<2]) == "")
        #expect(decoder.hasPendingBytes)
        #expect(decoder.decode(rocket[2..<3]) == "")
        #expect(decoder.decode(rocket[3..<4] + Array("!".utf8)) == "🚀!")
        #expect(!decoder.hasPendingBytes)
    }

    @Test func invalidBytesBecomeReplacementLikeWholeDecoding() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xE2, 0x28, 0xA1, 0x63, 0xC3]
        let whole: String = String(decoding: bytes, as: UTF8.self)
        #expect(chunks(bytes, sizes: [1]).joined() == whole)
        #expect(chunks(bytes, sizes: [2, 3]).joined() == whole)
        #expect(whole.unicodeScalars.filter { (scalar: Unicode.Scalar) -> Bool in scalar == "\u{FFFD}" }.count >= 3)
    }

    @Test func truncatedCharacterAtEndIsFlushedAsReplacement() {
        var decoder: UTF8StreamDecoder = UTF8StreamDecoder()
        #expect(decoder.decode([0x68, 0x69, 0xF0, 0x9F]) == "hi")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.finish() == "")
    }
}
