/// Delivery ids by due time: a binary min-heap, so the next due is found in O(log n) however
/// many wait for retries hours away. Entries are not removed when a delivery is rescheduled;
/// the scheduler skips entries that no longer match (lazy deletion).
struct DueHeap {
    struct Entry { let due: Int64; let order: UInt64; let id: String }

    private var heap: [Entry] = []
    private var counter: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var first: Entry? { heap.first }

    mutating func push(_ id: String, due: Int64) {
        counter += 1
        heap.append(Entry(due: due, order: counter, id: id))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    @discardableResult
    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < heap.count && Self.less(heap[l], heap[smallest]) { smallest = l }
                if r < heap.count && Self.less(heap[r], heap[smallest]) { smallest = r }
                if smallest == i { break }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
        return top
    }

    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.due != b.due ? a.due < b.due : a.order < b.order
    }
}
