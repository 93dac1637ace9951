/// One tier's waiters in arrival order: a first-in first-out queue that can also drop its newest entry or
/// any entry by id.
struct WaiterQueue: Sendable {
    /// Live entries are `storage[head...]`, in increasing ``Waiter/id`` order.
    private var storage: [Waiter] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Waiter? { isEmpty ? nil : storage[head] }
    var last: Waiter? { isEmpty ? nil : storage[storage.count - 1] }

    /// Adds a waiter whose id is larger than any queued one.
    mutating func append(_ waiter: Waiter) {
        assert(last.map { $0.id < waiter.id } ?? true, "waiters must be appended in arrival order")
        storage.append(waiter)
    }

    mutating func popFirst() -> Waiter? {
        guard !isEmpty else { return nil }
        let waiter = storage[head]
        head += 1
        compact()
        return waiter
    }

    mutating func removeLast() -> Waiter? {
        guard !isEmpty else { return nil }
        let waiter = storage.removeLast()
        compact()
        return waiter
    }

    /// Removes the waiter with `id`, if it is queued (a binary search, as ids increase).
    mutating func remove(id: UInt64) -> Waiter? {
        var low = head
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if storage[middle].id < id { low = middle + 1 } else { high = middle }
        }
        guard low < storage.count, storage[low].id == id else { return nil }
        let waiter = storage.remove(at: low)
        compact()
        return waiter
    }

    /// Drops the consumed prefix once it is at least half the storage, so popping stays O(1) amortized.
    private mutating func compact() {
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
