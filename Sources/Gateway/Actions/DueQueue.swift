/// Job ids ordered by when they are due: a binary min-heap, so the scheduler finds the next
/// due job in O(log n) however many are waiting for a retry hours away.
struct DueQueue {
    private var heap: [(due: Int64, order: UInt64, id: String)] = []
    private var counter: UInt64 = 0

    var count: Int { heap.count }
    var nextDue: Int64? { heap.first?.due }

    mutating func push(_ id: String, due: Int64) {
        counter += 1
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
        while let first = heap.first, first.due <= now {
            out.append(first.id)
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        }
        return out
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
