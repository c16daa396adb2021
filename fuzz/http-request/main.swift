// libFuzzer target: HTTP/1.1 request framing (Sources/HTTP1, HTTPRequestDecoder).
//
// Input: byte 0 picks the limits, byte 1 seeds how the rest is cut into reads, the rest is
// the byte stream a client sends. The stream is decoded twice, once in one read and once in
// the random reads, and both decoders must agree on every request and on how the stream
// ends (waiting for more, or the same refusal): where a request ends must not depend on how
// TCP happened to split it. Also checked: no body over `maxBodyBytes`, a bounded number of
// events per byte (no hang), and that a decoder waiting for more never holds more bytes
// than one head, one chunk line or one body could need (so a slow client cannot make the
// server buffer without limit).
import HTTP1

/// `precondition` that keeps its message in an optimised build (the fuzz build is -O).
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private struct Outcome: Equatable {
    var requests: [Framed] = []
    var error: HTTPFramingError?
}

private struct Framed: Equatable {
    let method: String
    let target: String
    let minor: Int
    let headers: [String]
    let body: [UInt8]
    let keepAlive: Bool
}

private func limits(from selector: UInt8) -> HTTPLimits {
    var limits = HTTPLimits()
    limits.maxBodyBytes = [1 << 20, 100, 16, 1][Int(selector & 3)]
    limits.maxHeaderBytes = [16 * 1024, 1024, 128, 40][Int(selector >> 2 & 3)]
    limits.maxHeaderCount = selector & 0x10 == 0 ? 100 : 3
    return limits
}

/// The most a decoder that answers `.needMore` may hold: a head, a chunk-size or trailer
/// line, or the rest of one body (each plus its CRLF).
private func waitingBound(_ limits: HTTPLimits) -> Int {
    max(limits.maxHeaderBytes, limits.maxBodyBytes, 1024) + 8
}

private func check(_ request: HTTPRequest, _ limits: HTTPLimits) -> Framed {
    require(request.body.count <= limits.maxBodyBytes, "body of \(request.body.count) bytes over the limit \(limits.maxBodyBytes)")
    require(!request.method.isEmpty && !request.target.isEmpty, "empty method or target")
    require(request.minorVersion == 0 || request.minorVersion == 1, "minor version \(request.minorVersion)")
    require(request.headers.count <= limits.maxHeaderCount, "more header fields than the limit")
    for field in request.headers.fields {
        require(!field.name.isEmpty && field.name == field.name.lowercased(), "header name not lowercased: \(field.name)")
        require(!field.value.utf8.contains(0x0D) && !field.value.utf8.contains(0x0A), "CR or LF in a header value")
    }
    // The derived views must not trap on anything the decoder lets through.
    _ = request.path
    _ = request.query
    return Framed(method: request.method, target: request.target, minor: request.minorVersion,
                  headers: request.headers.fields.map { $0.name + ":" + $0.value },
                  body: request.body, keepAlive: request.keepAlive)
}

/// Decodes `stream` fed in the given read sizes; drains `next()` after every read.
private func decode(_ stream: [UInt8], reads: [Int], limits: HTTPLimits) -> Outcome {
    var decoder = HTTPRequestDecoder(limits: limits)
    var outcome = Outcome()
    var position = 0
    // Each request consumes at least one byte and each read adds at most one
    // `continueExpected` per request, so this many events means the decoder is spinning.
    var budget = 4 * stream.count + 4 * reads.count + 16
    for size in reads {
        let end = min(stream.count, position + size)
        decoder.append(Array(stream[position..<end]))
        position = end
        drain: while true {
            budget -= 1
            require(budget > 0, "decoder produced more events than bytes: it is looping")
            do {
                switch try decoder.next() {
                case .needMore:
                    require(decoder.bufferedCount <= waitingBound(limits),
                                 "waiting for more while holding \(decoder.bufferedCount) bytes (bound \(waitingBound(limits)))")
                    break drain
                case .continueExpected:
                    continue
                case .request(let request):
                    outcome.requests.append(check(request, limits))
                }
            } catch {
                outcome.error = error
                return outcome
            }
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let selector = data[0]
    let limits = limits(from: selector)
    var stream = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    if selector >> 5 == 7 && !stream.isEmpty {
        // Pipeline the input many times over so the decoder's buffer compaction (past 64 KiB
        // consumed) runs too.
        let copies = 70_000 / stream.count + 1
        stream = Array([[UInt8]](repeating: stream, count: copies).joined())
    }

    // Read sizes from a small xorshift generator seeded by byte 1: mostly short reads, some long.
    var state = UInt32(data[1]) &* 2_654_435_761 | 1
    var reads: [Int] = []
    var total = 0
    while total < stream.count {
        state ^= state << 13; state ^= state >> 17; state ^= state << 5
        let n = state % 4 == 0 ? Int(state >> 8 % 2048) + 1 : Int(state >> 8 % 7) + 1
        reads.append(n)
        total += n
    }

    let whole = decode(stream, reads: [stream.count], limits: limits)
    let split = decode(stream, reads: reads, limits: limits)
    if whole != split {
        fatalError("decoding depends on read boundaries:\n whole: \(whole.requests.count) requests, error \(String(describing: whole.error))\n split: \(split.requests.count) requests, error \(String(describing: split.error))")
    }
    return 0
}
