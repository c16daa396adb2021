import Glibc

/// Zeroed 64-bit words in memory of their own (anonymous mmap), asking for huge pages when
/// large: the dedupe index is probed at random, and with 4 KiB pages nearly every probe of
/// a million-event table also missed the TLB, which cost more than the rest of the fold.
/// Owned by one value type that copies it before writing when it is shared (copy on write).
final class WordBuffer: @unchecked Sendable {
    // Unchecked: the words change only through a value that holds the sole reference
    // (`isKnownUniquelyReferenced`), so no two threads ever see one buffer change.
    let words: UnsafeMutablePointer<UInt64>
    let count: Int
    private let mapped: Int

    init(count: Int) {
        let bytes = max(count * 8, 8)
        let huge = 2 << 20
        mapped = bytes >= huge ? (bytes + huge - 1) / huge * huge : bytes
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("out of memory: cannot map \(mapped) bytes for the dedupe index")
        }
        if mapped >= huge { _ = madvise(raw, mapped, 14 /* MADV_HUGEPAGE */) }
        words = raw.bindMemory(to: UInt64.self, capacity: count)
        self.count = count
    }

    func copy() -> WordBuffer {
        let twin = WordBuffer(count: count)
        twin.words.update(from: words, count: count)
        return twin
    }

    deinit { munmap(words, mapped) }
}
