/// A first-in, first-out queue over a circular array: append at the back, remove at the front, read by
/// position from the front, all in O(1) (amortized for `append`). It grows by doubling and gives memory
/// back when it falls to a quarter full, so a key that once had a burst does not keep the burst's buffer.
///
/// Every slot of the backing array is initialized: slots not in use hold a copy of some element, which
/// is harmless for the plain values this queue holds (timestamps and token counts).
struct RingBuffer<Element> {
    private var storage: ContiguousArray<Element> = []
    private var head = 0
    private(set) var count = 0

    private static var minimumCapacity: Int { 8 }

    var isEmpty: Bool { count == 0 }

    /// Room before the next growth (for tests of the shrinking).
    var capacity: Int { storage.count }

    var first: Element? { count == 0 ? nil : storage[head] }

    var last: Element? { count == 0 ? nil : storage[slot(count - 1)] }

    /// The element `offset` places from the front; `offset` must be in `0..<count`.
    subscript(offset: Int) -> Element {
        get {
            precondition(offset >= 0 && offset < count, "ring buffer offset out of range")
            return storage[slot(offset)]
        }
        set {
            precondition(offset >= 0 && offset < count, "ring buffer offset out of range")
            storage[slot(offset)] = newValue
        }
    }

    mutating func append(_ element: Element) {
        if count == storage.count {
            relayout(capacity: Swift.max(Self.minimumCapacity, count * 2), filler: element)
        }
        storage[slot(count)] = element
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(count > 0, "removeFirst on an empty ring buffer")
        let element = storage[head]
        head += 1
        if head == storage.count { head = 0 }
        count -= 1
        if count == 0 {
            head = 0
            if storage.count > Self.minimumCapacity * 4 { storage = [] }
        } else if storage.count > Self.minimumCapacity * 4 && count * 4 <= storage.count {
            relayout(capacity: storage.count / 2, filler: storage[head])
        }
        return element
    }

    /// Copies the elements in order into a fresh array of `capacity` slots, the spare ones set to `filler`.
    private mutating func relayout(capacity: Int, filler: Element) {
        var fresh = ContiguousArray<Element>()
        fresh.reserveCapacity(capacity)
        for offset in 0..<count { fresh.append(storage[slot(offset)]) }
        fresh.append(contentsOf: repeatElement(filler, count: capacity - count))
        storage = fresh
        head = 0
    }

    private func slot(_ offset: Int) -> Int {
        let index = head + offset
        return index < storage.count ? index : index - storage.count
    }
}
