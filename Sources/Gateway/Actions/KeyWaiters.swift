/// The jobs waiting for one ordering key, in arrival order, each once. Appending, the
/// membership check and taking the first are O(1): a hot key can have tens of thousands
/// waiting (a restart admits them all at once), and these run under the scheduler's lock.
struct KeyWaiters {
    private var queue: [String] = []
    private var head = 0
    private var members: Set<String> = []

    var isEmpty: Bool { head == queue.count }

    /// Adds `id` at the back unless it is already waiting.
    mutating func append(_ id: String) {
        guard members.insert(id).inserted else { return }
        queue.append(id)
    }

    mutating func removeFirst() -> String? {
        guard head < queue.count else { return nil }
        let id = queue[head]
        head += 1
        members.remove(id)
        // Taken slots are dropped once they are most of the array, so it does not grow forever.
        if head > 64 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return id
    }
}
