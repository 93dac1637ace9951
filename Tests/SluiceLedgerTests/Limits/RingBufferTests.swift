import Testing
@testable import SluiceLedger

@Suite("RingBuffer")
struct RingBufferTests {
    @Test("keeps first-in, first-out order across wrap-around, growth and shrinking")
    func fifo() {
        var ring = RingBuffer<Int>()
        var model: [Int] = []
        var next = 0
        // Grow to 1000, then oscillate, then drain: a pattern that wraps the head many times.
        for step in 0..<5000 {
            let push = step < 1500 ? step % 3 != 0 : (step < 4000 ? step % 2 == 0 : false)
            if push || model.isEmpty {
                ring.append(next)
                model.append(next)
                next += 1
            } else {
                #expect(ring.removeFirst() == model.removeFirst())
            }
            #expect(ring.count == model.count)
            #expect(ring.first == model.first)
            #expect(ring.last == model.last)
        }
        for offset in 0..<model.count { #expect(ring[offset] == model[offset]) }
    }

    @Test("writes by offset and gives memory back when drained")
    func shrinks() {
        var ring = RingBuffer<Int>()
        for value in 0..<1000 { ring.append(value) }
        #expect(ring.capacity >= 1000)
        ring[3] = -3
        #expect(ring[3] == -3)
        for _ in 0..<990 { ring.removeFirst() }
        #expect(ring.count == 10)
        #expect(ring.capacity <= 64)
        #expect(ring.first == 990)
        while !ring.isEmpty { ring.removeFirst() }
        #expect(ring.first == nil)
        #expect(ring.capacity <= 32)
    }
}
