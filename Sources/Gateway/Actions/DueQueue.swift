/// Job ids ordered by when they are due: a binary min-heap, so the scheduler finds the next
/// due job in O(log n) however many are waiting for a retry hours away. An id is in it at most
/// once: pushing one already queued replaces its time (the older entry is skipped when it
/// surfaces), so two paths that admit the same job cannot make the scheduler run it twice.
struct DueQueue {
    private var heap: [(due: Int64, order: UInt64, id: String)] = []
    private var counter: UInt64 = 0
    /// The order of each queued id's live entry.
    private var live: [String: UInt64] = [:]

    var count: Int { live.count }
    var nextDue: Int64? {
        mutating get {
            dropStale()
            return heap.first?.due
        }
    }

    func contains(_ id: String) -> Bool { live[id] != nil }

    mutating func push(_ id: String, due: Int64) {
        counter += 1
        live[id] = counter
        heap.append((due, counter, id))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns every id due at or before `now`, earliest first.
    mutating func popDue(now: Int64) -> [String] {
        var out: [String] = []
        dropStale()
        while let first = heap.first, first.due <= now {
            live[first.id] = nil
            out.append(first.id)
            removeFirst()
            dropStale()
        }
        return out
    }

    /// Removes superseded entries from the top, so `first` is a live one.
    private mutating func dropStale() {
        while let first = heap.first, live[first.id] != first.order { removeFirst() }
    }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count && Self.less(heap[l], heap[smallest]) { smallest = l }
            if r < heap.count && Self.less(heap[r], heap[smallest]) { smallest = r }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }

    private static func less(_ a: (due: Int64, order: UInt64, id: String), _ b: (due: Int64, order: UInt64, id: String)) -> Bool {
        a.due != b.due ? a.due < b.due : a.order < b.order
    }
}
