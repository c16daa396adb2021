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

    /// `hugePages: false` leaves the first touches of the memory to 4 KiB faults: on this
    /// machine a huge page's first touch took about 4.5 ms, which a table growing under the
    /// state's lock made every waiting request pay; `adviseHugePages()` asks for them later.
    private static let hugePage = 2 << 20

    init(count: Int, hugePages: Bool = true) {
        let bytes = max(count * 8, 8)
        let huge = Self.hugePage
        mapped = bytes >= huge ? (bytes + huge - 1) / huge * huge : bytes
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("out of memory: cannot map \(mapped) bytes for the dedupe index")
        }
        words = raw.bindMemory(to: UInt64.self, capacity: count)
        self.count = count
        if hugePages { adviseHugePages() }
    }

    /// Lets the kernel back the memory with huge pages (in the background, for pages already
    /// touched): the index is probed at random, and TLB misses cost more than the probes.
    func adviseHugePages() {
        if mapped >= Self.hugePage { _ = madvise(words, mapped, 14 /* MADV_HUGEPAGE */) }
    }

    func copy() -> WordBuffer {
        let twin = WordBuffer(count: count)
        twin.words.update(from: words, count: count)
        return twin
    }

    deinit { munmap(words, mapped) }
}
