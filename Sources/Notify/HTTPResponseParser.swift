/// Frames one HTTP/1.1 response from bytes as they arrive: status line, header fields,
/// then a body delimited by Content-Length, chunked coding, or the connection closing.
/// Interim 1xx answers are skipped. Only what the notifier needs is kept: the status,
/// `Retry-After`, the start of the body, and whether the connection can be reused.
struct HTTPResponseParser {
    static let maxHeadBytes = 64 * 1024
    static let bodyPrefixBytes = 512
    /// A longer body is not read to the end: the connection is dropped instead of reused.
    static let maxDrainBytes = 1 << 20
    /// A chunk-size line (extensions included), or one trailer line: nothing legitimate is
    /// near this, and without a bound a peer could send one line forever.
    static let maxLineBytes = 8 * 1024
    /// Everything one answer may take, interim answers, chunk lines and trailers included:
    /// each part has its own bound, but a peer could repeat them (endless `102 Processing`,
    /// long chunk extensions around one-byte chunks) and keep a worker reading for ever.
    static let maxResponseBytes = 4 << 20
    /// Interim (1xx) answers skipped before the final one.
    static let maxInterimAnswers = 16

    struct Failure: Error, Sendable, Equatable { let reason: String }

    private enum Framing {
        case none
        case length(Int)
        case chunkSize
        case chunkData(Int)
        case chunkDataEnd
        case trailers
        case untilClose
    }

    private struct Head {
        var status: Int
        var keepAlive: Bool
        var retryAfter: String?
    }

    private var buffer: [UInt8] = []
    private var position = 0
    private var head: Head?
    private var framing = Framing.none
    private var bodyPrefix: [UInt8] = []
    private var drained = 0
    /// Trailer bytes so far, held to `maxHeadBytes` as the head is.
    private var trailerBytes = 0
    private var received = 0
    private var interimAnswers = 0

    init() {}

    var hasReceivedBytes: Bool { !buffer.isEmpty || head != nil }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position >= 64 * 1024 {
            // Reads that end inside a line never empty the buffer: let go of what is parsed.
            buffer.removeSubrange(0..<position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
        received += bytes.count
    }

    /// The response once it is complete; nil while more bytes are needed.
    mutating func next() throws(Failure) -> ClientResponse? {
        while head == nil {
            guard let parsed = try parseHead() else { return try unfinished() }
            if parsed.status >= 100 && parsed.status < 200 {
                guard parsed.status != 101 else { throw Failure(reason: "unexpected 101 Switching Protocols") }
                interimAnswers += 1
                guard interimAnswers <= Self.maxInterimAnswers else { throw Failure(reason: "more than \(Self.maxInterimAnswers) interim answers") }
                continue
            }
            head = parsed
        }
        guard let response = try readBody() else { return try unfinished() }
        return response
    }

    /// Not complete yet: nil, unless the answer has already taken more than it may.
    private func unfinished() throws(Failure) -> ClientResponse? {
        guard received <= Self.maxResponseBytes else { throw Failure(reason: "answer over \(Self.maxResponseBytes) bytes without ending") }
        return nil
    }

    /// The peer closed the connection: completes a close-delimited body, else it is an error.
    mutating func endOfStream() throws(Failure) -> ClientResponse {
        if let head, case .untilClose = framing {
            return ClientResponse(status: head.status, retryAfter: head.retryAfter, bodyPrefix: bodyPrefix, reusable: false)
        }
        throw Failure(reason: head == nil ? "before the status line" : "in the middle of the body")
    }

    // MARK: - Head

    private mutating func parseHead() throws(Failure) -> Head? {
        guard let end = headEnd() else {
            if buffer.count - position > Self.maxHeadBytes { throw Failure(reason: "header block over \(Self.maxHeadBytes) bytes") }
            return nil
        }
        var lines = LineCursor(buffer: buffer, start: position, end: end)
        guard let statusLine = lines.next() else { throw Failure(reason: "empty status line") }
        var head = try Self.statusLine(buffer[statusLine])
        var contentLength: Int?
        var transferEncoding: String?
        var connection = ""
        while let line = lines.next() {
            guard let colon = buffer[line].firstIndex(of: UInt8(ascii: ":")) else {
                throw Failure(reason: "header line without a colon")
            }
            let name = buffer[line.lowerBound..<colon]
            // Only the four fields that matter are turned into text.
            func value() -> String { String(decoding: buffer[(colon + 1)..<line.upperBound], as: UTF8.self).trimmingSpaces }
            if Self.equalsIgnoringCase(name, "content-length") {
                guard let n = Int(value()), n >= 0, contentLength == nil || contentLength == n else {
                    throw Failure(reason: "invalid Content-Length")
                }
                contentLength = n
            } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
                transferEncoding = (transferEncoding.map { $0 + "," } ?? "") + value().lowercased()
            } else if Self.equalsIgnoringCase(name, "connection") {
                connection += "," + value().lowercased()
            } else if Self.equalsIgnoringCase(name, "retry-after") {
                head.retryAfter = value()
            }
        }
        if !connection.isEmpty {
            let tokens = connection.split(separator: ",").map { String($0).trimmingSpaces }
            if tokens.contains("close") { head.keepAlive = false } else if tokens.contains("keep-alive") { head.keepAlive = true }
        }
        position = lines.afterHead
        if head.status < 200 { return head }
        if head.status == 204 || head.status == 304 {
            framing = .none
        } else if let transferEncoding {
            let last = transferEncoding.split(separator: ",").last.map { String($0).trimmingSpaces }
            framing = last == "chunked" ? .chunkSize : .untilClose
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
        }
        return head
    }

    /// Index just past the blank line ending the head (LF or CRLF line ends), if it has arrived.
    private func headEnd() -> Int? {
        var i = position
        while i < buffer.count {
            guard let lf = buffer[i...].firstIndex(of: 0x0A) else { return nil }
            let lineLength = lf - i
            if lineLength == 0 || (lineLength == 1 && buffer[i] == 0x0D) {
                return i == position ? nil : lf + 1
            }
            i = lf + 1
        }
        return nil
    }

    private static func statusLine(_ line: ArraySlice<UInt8>) throws(Failure) -> Head {
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, Array(line.prefix(7)) == prefix else { throw Failure(reason: "status line is not HTTP/1.x") }
        let b = Array(line)
        let minor = b[7]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1"), b[8] == 0x20 else {
            throw Failure(reason: "unsupported HTTP version")
        }
        var status = 0
        for d in b[9..<12] {
            guard d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") else { throw Failure(reason: "status code is not three digits") }
            status = status * 10 + Int(d - UInt8(ascii: "0"))
        }
        guard status >= 100, b.count == 12 || b[12] == 0x20 else { throw Failure(reason: "invalid status code") }
        return Head(status: status, keepAlive: minor == UInt8(ascii: "1"), retryAfter: nil)
    }

    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let target = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for (a, b) in zip(bytes, target) where a | 0x20 != b && a != b { return false }
        return true
    }

    // MARK: - Body

    private mutating func readBody() throws(Failure) -> ClientResponse? {
        guard let head else { return nil }
        while true {
            switch framing {
            case .none:
                return finish(head, reusable: head.keepAlive)
            case .untilClose:
                consume(buffer.count - position)
                return drained > Self.maxDrainBytes ? finish(head, reusable: false) : nil
            case .length(let remaining):
                if remaining > Self.maxDrainBytes { return finish(head, reusable: false) }
                let n = min(remaining, buffer.count - position)
                consume(n)
                framing = remaining == n ? .none : .length(remaining - n)
                if remaining != n { return nil }
            case .chunkSize:
                guard let line = try nextLine(what: "chunk size line") else { return nil }
                let sizeText = line.prefix { $0 != UInt8(ascii: ";") }
                guard let size = Int(String(decoding: sizeText, as: UTF8.self).trimmingSpaces, radix: 16), size >= 0 else {
                    throw Failure(reason: "invalid chunk size")
                }
                if size > Self.maxDrainBytes || drained > Self.maxDrainBytes { return finish(head, reusable: false) }
                framing = size == 0 ? .trailers : .chunkData(size)
            case .chunkData(let remaining):
                let n = min(remaining, buffer.count - position)
                consume(n)
                if remaining != n {
                    framing = .chunkData(remaining - n)
                    return nil
                }
                framing = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = try nextLine(what: "line after a chunk") else { return nil }
                guard line.isEmpty else { throw Failure(reason: "chunk not followed by CRLF") }
                framing = .chunkSize
            case .trailers:
                guard let line = try nextLine(what: "trailer line") else { return nil }
                trailerBytes += line.count + 2
                if trailerBytes > Self.maxHeadBytes { throw Failure(reason: "trailers over \(Self.maxHeadBytes) bytes") }
                if line.isEmpty { framing = .none }
            }
        }
    }

    private mutating func consume(_ n: Int) {
        guard n > 0 else { return }
        let room = Self.bodyPrefixBytes - bodyPrefix.count
        if room > 0 { bodyPrefix.append(contentsOf: buffer[position..<(position + min(room, n))]) }
        drained += n
        position += n
    }

    /// One line without its line end, consumed; nil until its LF has arrived. A line longer
    /// than `maxLineBytes`, ended or not, is a failure.
    private mutating func nextLine(what: String) throws(Failure) -> ArraySlice<UInt8>? {
        guard let lf = buffer[position...].firstIndex(of: 0x0A) else {
            if buffer.count - position > Self.maxLineBytes { throw Failure(reason: "\(what) over \(Self.maxLineBytes) bytes") }
            return nil
        }
        if lf - position > Self.maxLineBytes { throw Failure(reason: "\(what) over \(Self.maxLineBytes) bytes") }
        var end = lf
        if end > position && buffer[end - 1] == 0x0D { end -= 1 }
        let line = buffer[position..<end]
        position = lf + 1
        return line
    }

    private func finish(_ head: Head, reusable: Bool) -> ClientResponse {
        // Bytes after the answer were not asked for (nothing is pipelined): do not reuse.
        ClientResponse(status: head.status, retryAfter: head.retryAfter, bodyPrefix: bodyPrefix,
                       reusable: reusable && position == buffer.count)
    }
}
