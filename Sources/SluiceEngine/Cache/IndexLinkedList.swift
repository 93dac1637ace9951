/// A doubly linked list of small integer ids (`0..<capacity`) with O(1) append, removal and pop:
/// the KV cache's least-recently-used order of unused cached blocks.
struct IndexLinkedList {
    private var previous: [Int32]
    private var next: [Int32]
    private var member: [Bool]
    private var head: Int32 = -1
    private var tail: Int32 = -1
    /// Ids in the list.
    private(set) var count: Int = 0

    init(capacity: Int) {
        previous = [Int32](repeating: -1, count: capacity)
        next = [Int32](repeating: -1, count: capacity)
        member = [Bool](repeating: false, count: capacity)
    }

    /// Whether `id` is in the list.
    func contains(_ id: Int32) -> Bool { member[Int(id)] }

    /// Adds `id` at the end (most recent).
    mutating func append(_ id: Int32) {
        precondition(!member[Int(id)], "id \(id) is already listed")
        member[Int(id)] = true
        previous[Int(id)] = tail
        next[Int(id)] = -1
        if tail >= 0 { next[Int(tail)] = id } else { head = id }
        tail = id
        count += 1
    }

    /// Removes `id` if it is listed.
    mutating func remove(_ id: Int32) {
        guard member[Int(id)] else { return }
        let before: Int32 = previous[Int(id)]
        let after: Int32 = next[Int(id)]
        if before >= 0 { next[Int(before)] = after } else { head = after }
        if after >= 0 { previous[Int(after)] = before } else { tail = before }
        member[Int(id)] = false
        count -= 1
    }

    /// Removes and returns the first (least recent) id.
    mutating func popFirst() -> Int32? {
        guard head >= 0 else { return nil }
        let id: Int32 = head
        remove(id)
        return id
    }
}
