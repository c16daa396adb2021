/// Walks the lines of a response head (LF or CRLF ends), yielding each without its end.
struct LineCursor {
    private let buffer: [UInt8]
    private var index: Int
    private let end: Int

    /// `end` is just past the head's blank line.
    init(buffer: [UInt8], start: Int, end: Int) {
        self.buffer = buffer
        self.index = start
        self.end = end
    }

    var afterHead: Int { end }

    /// The next non-empty line's range, or nil at the blank line.
    mutating func next() -> Range<Int>? {
        guard index < end, let lf = buffer[index..<end].firstIndex(of: 0x0A) else { return nil }
        var lineEnd = lf
        if lineEnd > index && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let range = index..<lineEnd
        index = lf + 1
        return range.isEmpty ? nil : range
    }
}
