/// Frames HTTP/1.1 requests out of a byte stream, strictly: anything a front proxy might
/// read differently (both Content-Length and Transfer-Encoding, duplicate lengths, obs-fold,
/// bare CR or LF, whitespace before a colon) is refused rather than guessed at, since a
/// disagreement about where a request ends is how request smuggling works.
public struct HTTPRequestDecoder {
    public enum Event {
        case request(HTTPRequest)
        /// The head asked for `100-continue` and its body has not arrived yet.
        case continueExpected
        case needMore
    }

    private enum Framing { case none, length(Int), chunked }

    private struct Head {
        var method: String
        var target: String
        var minorVersion: Int
        var headers: HTTPHeaders
        var framing: Framing
        var keepAlive: Bool
        var expectContinue: Bool
    }

    private enum ChunkPhase { case size, data(Int), trailers(Int) }

    private enum State {
        case head
        case fixed(Head, Int)
        case chunked(Head, ChunkPhase, [UInt8])
    }

    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head
    private var headScanFrom = 0
    private var continueAnnounced = false
    /// Bytes of empty lines skipped before the request line now awaited. They count against
    /// the head's limit: once skipped they are consumed, so nothing else would ever see them,
    /// and a client could send them for as long as it liked.
    private var skippedEmptyBytes = 0
    /// How far `nextLine` has looked for the current line's end, so a line arriving a byte at
    /// a time is scanned once, not from its start on every read.
    private var lineScanFrom = 0

    public init(limits: HTTPLimits) { self.limits = limits }

    /// Storage kept across requests once the buffer empties; a larger one (a big body
    /// passed through) is given back, or every connection that ever carried one would hold it
    /// for as long as it stays open.
    static let keptCapacity = 64 * 1024

    /// The bytes of storage the decoder holds, used or not: what an idle connection costs.
    public var storageBytes: Int { buffer.capacity }

    /// Empties the buffer, keeping its storage only if that is small.
    private mutating func empty() {
        if buffer.capacity > Self.keptCapacity { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            empty()
            headScanFrom = 0
            lineScanFrom = 0
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Bytes received but not yet consumed by a complete request.
    public var bufferedCount: Int { buffer.count - start }

    /// True once any byte of a request has arrived and it is not yet complete.
    public var isMidRequest: Bool {
        if case .head = state { return bufferedCount > 0 }
        return true
    }

    /// Only empty lines have come since the last request: not a request begun (a stray CRLF
    /// after a body is common), but not idleness either.
    public var hasOnlyEmptyLines: Bool {
        if case .head = state { return bufferedCount == 0 && skippedEmptyBytes > 0 }
        return false
    }

    public var isReadingBody: Bool {
        if case .head = state { return false }
        return true
    }

    public mutating func next() throws(HTTPFramingError) -> Event {
        while true {
            switch state {
            case .head:
                try skipLeadingEmptyLines()
                guard let end = findHeadEnd() else {
                    if skippedEmptyBytes + bufferedCount > limits.maxHeaderBytes {
                        throw HTTPFramingError(.headersTooLarge, "header block exceeds \(limits.maxHeaderBytes) bytes")
                    }
                    return .needMore
                }
                if skippedEmptyBytes + end - start > limits.maxHeaderBytes {
                    throw HTTPFramingError(.headersTooLarge, "header block exceeds \(limits.maxHeaderBytes) bytes")
                }
                let head = try parseHead(from: start, to: end - 4)
                consume(upTo: end)
                skippedEmptyBytes = 0
                continueAnnounced = false
                switch head.framing {
                case .none:
                    return .request(finish(head, body: []))
                case .length(let n):
                    if n > limits.maxBodyBytes {
                        throw HTTPFramingError(.payloadTooLarge, "Content-Length \(n) exceeds \(limits.maxBodyBytes)")
                    }
                    state = .fixed(head, n)
                case .chunked:
                    state = .chunked(head, .size, [])
                }
            case .fixed(let head, let length):
                if bufferedCount >= length {
                    let body = Array(buffer[start..<start + length])
                    consume(upTo: start + length)
                    state = .head
                    return .request(finish(head, body: body))
                }
                if head.expectContinue && !continueAnnounced {
                    continueAnnounced = true
                    return .continueExpected
                }
                return .needMore
            case .chunked(let head, let phase, var body):
                state = .head  // drop the state's reference so appending to `body` does not copy it
                switch try advanceChunked(phase, &body) {
                case .some(.trailers(-1)):
                    state = .head
                    return .request(finish(head, body: body))
                case .some(let next):
                    state = .chunked(head, next, body)
                case .none:
                    state = .chunked(head, phase, body)
                    if head.expectContinue && !continueAnnounced && body.isEmpty {
                        continueAnnounced = true
                        return .continueExpected
                    }
                    return .needMore
                }
            }
        }
    }

    // MARK: - Head

    /// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
    /// Any number is ignored here, up to the head's limit, and consumed like any other bytes
    /// (moving past them without consuming once kept every such byte in the buffer).
    private mutating func skipLeadingEmptyLines() throws(HTTPFramingError) {
        var end = start
        while buffer.count - end >= 2 && buffer[end] == 0x0D && buffer[end + 1] == 0x0A { end += 2 }
        guard end > start else { return }
        skippedEmptyBytes += end - start
        consume(upTo: end)
        if skippedEmptyBytes > limits.maxHeaderBytes {
            throw HTTPFramingError(.headersTooLarge, "more than \(limits.maxHeaderBytes) bytes of empty lines before the request line")
        }
    }

    /// Index just past the CRLFCRLF that ends the head, if it has arrived.
    private mutating func findHeadEnd() -> Int? {
        let count = buffer.count
        var i = max(headScanFrom, start)
        let found: Int? = buffer.withUnsafeBufferPointer { p in
            while i + 3 < count {
                if p[i + 3] != 0x0A { i += (p[i + 3] == 0x0D ? 1 : 4); continue }
                if p[i] == 0x0D && p[i + 1] == 0x0A && p[i + 2] == 0x0D { return i + 4 }
                i += 1
            }
            return nil
        }
        headScanFrom = max(start, count - 3)
        return found
    }

    /// `chunked`, ASCII letters in either case, with only spaces or tabs around it.
    static func isChunked(_ value: String) -> Bool {
        let bytes = Array(value.utf8).drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        let word = Array("chunked".utf8)
        guard bytes.count == word.count else { return false }
        return zip(bytes, word).allSatisfy { b, w in b == w || (b >= 0x41 && b <= 0x5A && b + 0x20 == w) }
    }

    private mutating func consume(upTo index: Int) {
        start = index
        headScanFrom = index
        lineScanFrom = index
        if start == buffer.count {
            empty()
            start = 0
            headScanFrom = 0
            lineScanFrom = 0
        } else if start > 64 * 1024 {
            buffer.removeFirst(start)
            start = 0
            headScanFrom = 0
            lineScanFrom = 0
        }
    }

    private func parseHead(from: Int, to end: Int) throws(HTTPFramingError) -> Head {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(16)  // one allocation for a typical head instead of growing four times
        var lineStart = from
        var i = from
        while i < end {
            let b = buffer[i]
            if b == 0x0D {
                guard i + 1 < end + 2, buffer[i + 1] == 0x0A else { throw HTTPFramingError(.badRequest, "bare CR in header block") }
                lines.append(lineStart..<i)
                i += 2
                lineStart = i
                continue
            }
            if b == 0x0A { throw HTTPFramingError(.badRequest, "bare LF in header block") }
            if b == 0x00 { throw HTTPFramingError(.badRequest, "NUL in header block") }
            i += 1
        }
        lines.append(lineStart..<end)
        if lines.count - 1 > limits.maxHeaderCount {
            throw HTTPFramingError(.headersTooLarge, "more than \(limits.maxHeaderCount) header fields")
        }
        let (method, target, minor) = try parseRequestLine(lines[0])
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            fields.append(try parseField(line))
        }
        return try interpret(method: method, target: target, minor: minor, headers: HTTPHeaders(lowercased: fields))
    }

    private func parseRequestLine(_ line: Range<Int>) throws(HTTPFramingError) -> (String, String, Int) {
        var parts: [Range<Int>] = []
        parts.reserveCapacity(3)
        var s = line.lowerBound
        for i in line where buffer[i] == 0x20 {
            parts.append(s..<i)
            s = i + 1
        }
        parts.append(s..<line.upperBound)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPFramingError(.badRequest, "malformed request line")
        }
        for i in parts[0] where !Self.isTokenByte(buffer[i]) {
            throw HTTPFramingError(.badRequest, "malformed method")
        }
        for i in parts[1] where buffer[i] < 0x21 || buffer[i] > 0x7E {
            throw HTTPFramingError(.badRequest, "malformed request target")
        }
        let version = buffer[parts[2]]
        guard version.count == 8, version.starts(with: "HTTP/".utf8),
              version[version.startIndex + 6] == UInt8(ascii: "."),
              (0x30...0x39).contains(version[version.startIndex + 5]),
              (0x30...0x39).contains(version[version.startIndex + 7]) else {
            throw HTTPFramingError(.badRequest, "malformed HTTP version")
        }
        guard version[version.startIndex + 5] == UInt8(ascii: "1") else {
            throw HTTPFramingError(.versionNotSupported, "only HTTP/1.x is served")
        }
        // RFC 9110 §2.5: a later minor version is served as the highest this server knows.
        let minor = min(Int(version[version.startIndex + 7] - 0x30), 1)
        return (String(decoding: buffer[parts[0]], as: UTF8.self),
                String(decoding: buffer[parts[1]], as: UTF8.self), minor)
    }

    private func parseField(_ line: Range<Int>) throws(HTTPFramingError) -> (name: String, value: String) {
        guard let first = line.first else { throw HTTPFramingError(.badRequest, "empty header line") }
        if buffer[first] == 0x20 || buffer[first] == 0x09 {
            throw HTTPFramingError(.badRequest, "obsolete line folding")
        }
        var colon = -1
        for i in line {
            let b = buffer[i]
            if b == UInt8(ascii: ":") { colon = i; break }
            if !Self.isTokenByte(b) {
                throw HTTPFramingError(.badRequest, b == 0x20 || b == 0x09 ? "whitespace before colon" : "invalid header name")
            }
        }
        guard colon > line.lowerBound else { throw HTTPFramingError(.badRequest, "header line without a name and colon") }
        var vs = colon + 1
        var ve = line.upperBound
        while vs < ve && (buffer[vs] == 0x20 || buffer[vs] == 0x09) { vs += 1 }
        while ve > vs && (buffer[ve - 1] == 0x20 || buffer[ve - 1] == 0x09) { ve -= 1 }
        for i in vs..<ve {
            let b = buffer[i]
            if (b < 0x20 && b != 0x09) || b == 0x7F {
                throw HTTPFramingError(.badRequest, "control character in header value")
            }
        }
        // Lowercased straight into the string's storage (names are tokens, so ASCII): no
        // intermediate array, and names of up to 15 bytes need no allocation at all.
        let name = buffer.withUnsafeBufferPointer { p in
            String(unsafeUninitializedCapacity: colon - line.lowerBound) { out in
                for j in 0..<(colon - line.lowerBound) {
                    let b = p[line.lowerBound + j]
                    out[j] = b >= 0x41 && b <= 0x5A ? b + 0x20 : b
                }
                return colon - line.lowerBound
            }
        }
        let value = buffer.withUnsafeBufferPointer { p in
            String(decoding: UnsafeBufferPointer(rebasing: p[vs..<ve]), as: UTF8.self)
        }
        return (name, value)
    }

    private func interpret(method: String, target: String, minor: Int, headers: HTTPHeaders) throws(HTTPFramingError) -> Head {
        var hosts = 0, lengthCount = 0, length = "", codings: [String] = []
        var connectionTokens: [Substring] = []
        var expect: String?
        for field in headers.fields {
            switch field.name {
            case "host": hosts += 1
            case "content-length":
                lengthCount += 1
                if lengthCount == 1 { length = field.value }
            case "transfer-encoding": codings.append(field.value)
            case "connection": connectionTokens += field.value.lowercased().split(separator: ",").map { $0.trimmingWhitespace() }
            case "expect": expect = field.value
            default: break
            }
        }
        if hosts > 1 { throw HTTPFramingError(.badRequest, "more than one Host header") }
        if minor == 1 && hosts == 0 { throw HTTPFramingError(.badRequest, "HTTP/1.1 request without Host") }

        var framing = Framing.none
        if !codings.isEmpty {
            if lengthCount > 0 { throw HTTPFramingError(.badRequest, "both Content-Length and Transfer-Encoding") }
            if minor == 0 { throw HTTPFramingError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request") }
            // Exactly one field, exactly `chunked` in ASCII of either case, compared as bytes:
            // String's lowercasing and equality would take "chun\u{212A}ed" (a Kelvin sign)
            // for it, and a list with an empty member (`chunked,`) would pass a split. A proxy
            // that read any of these differently would frame the request differently.
            guard codings.count == 1, Self.isChunked(codings[0]) else {
                throw HTTPFramingError(.notImplemented, "unsupported transfer coding")
            }
            framing = .chunked
        } else if lengthCount > 0 {
            if lengthCount > 1 { throw HTTPFramingError(.badRequest, "duplicate Content-Length") }
            let text = length
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text) else {
                throw HTTPFramingError(.badRequest, "malformed Content-Length")
            }
            framing = n > 0 ? .length(n) : .none
        }

        var expectContinue = false
        if let expect {
            guard expect.lowercased() == "100-continue" else {
                throw HTTPFramingError(.expectationFailed, "unsupported expectation")
            }
            // An HTTP/1.0 client's expectation is ignored (RFC 9110 §10.1.1): it may take an
            // interim 100 for the final answer.
            expectContinue = minor == 1
        }
        let keepAlive = minor == 1 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        return Head(method: method, target: target, minorVersion: minor, headers: headers,
                    framing: framing, keepAlive: keepAlive, expectContinue: expectContinue)
    }

    private func finish(_ head: Head, body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: head.method, target: head.target, minorVersion: head.minorVersion,
                    headers: head.headers, body: body, keepAlive: head.keepAlive)
    }

    // MARK: - Chunked bodies

    /// Moves the chunk parser as far as the buffered bytes allow. Returns the next phase, or
    /// nil when more bytes are needed; `.trailers(-1)` means the body is complete.
    private mutating func advanceChunked(_ phase: ChunkPhase, _ body: inout [UInt8]) throws(HTTPFramingError) -> ChunkPhase? {
        var phase = phase
        var progressed = false
        while true {
            switch phase {
            case .size:
                guard let line = try nextLine(limit: 1024, what: "chunk size line", status: .badRequest) else { return progressed ? phase : nil }
                let size = try parseChunkSize(line.range)
                consume(upTo: line.next)
                if size == 0 {
                    phase = .trailers(0)
                } else {
                    if body.count + size > limits.maxBodyBytes {
                        throw HTTPFramingError(.payloadTooLarge, "chunked body exceeds \(limits.maxBodyBytes)")
                    }
                    phase = .data(size)
                }
            case .data(let size):
                guard bufferedCount >= size + 2 else { return progressed ? phase : nil }
                guard buffer[start + size] == 0x0D && buffer[start + size + 1] == 0x0A else {
                    throw HTTPFramingError(.badRequest, "chunk data not followed by CRLF")
                }
                body.append(contentsOf: buffer[start..<start + size])
                consume(upTo: start + size + 2)
                phase = .size
            case .trailers(let seen):
                guard let line = try nextLine(limit: limits.maxHeaderBytes, what: "trailer", status: .headersTooLarge) else { return progressed ? phase : nil }
                // Check the line before consuming it: consuming can empty or compact the buffer.
                if !line.range.isEmpty { _ = try parseField(line.range) }
                consume(upTo: line.next)
                if line.range.isEmpty { return .trailers(-1) }
                let total = seen + line.range.count
                if total > limits.maxHeaderBytes {
                    throw HTTPFramingError(.headersTooLarge, "trailers exceed \(limits.maxHeaderBytes) bytes")
                }
                phase = .trailers(total)
            }
            progressed = true
        }
    }

    /// The next CRLF-terminated line, or nil until it has arrived. A line longer than `limit`
    /// is refused rather than waited for, so a client cannot make the decoder buffer without end.
    private mutating func nextLine(limit: Int, what: String, status: HTTPStatus) throws(HTTPFramingError) -> (range: Range<Int>, next: Int)? {
        var i = max(start, lineScanFrom)
        while i + 1 < buffer.count {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A { return (start..<i, i + 2) }
            i += 1
            if i - start > limit { throw HTTPFramingError(status, "\(what) longer than \(limit) bytes") }
        }
        lineScanFrom = i
        return nil
    }

    private func parseChunkSize(_ line: Range<Int>) throws(HTTPFramingError) -> Int {
        var size = 0
        var digits = 0
        var i = line.lowerBound
        while i < line.upperBound, let v = PercentDecoding.hexValue(buffer[i]) {
            size = size << 4 | Int(v)
            digits += 1
            if digits > 15 { throw HTTPFramingError(.badRequest, "chunk size too long") }
            i += 1
        }
        guard digits > 0 else { throw HTTPFramingError(.badRequest, "malformed chunk size") }
        if i < line.upperBound {
            guard buffer[i] == UInt8(ascii: ";") else { throw HTTPFramingError(.badRequest, "malformed chunk size") }
            for j in i..<line.upperBound where buffer[j] < 0x20 && buffer[j] != 0x09 || buffer[j] == 0x7F {
                throw HTTPFramingError(.badRequest, "control character in chunk extension")
            }
        }
        return size
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
