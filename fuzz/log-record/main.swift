// libFuzzer target: the event log on disk (Sources/EventLog) and the gateway's record codec
// (Sources/Gateway/Log, built alone as the module GatewayLog, with the Notify module whose
// delivery events it embeds).
//
// Input: byte 0 picks a layout, the rest is segment bytes.
//   bits 0-1  0: the bytes are the only segment
//             1: a valid segment of generated records, with the bytes appended as its tail
//             2: a valid sealed segment, then the bytes as the next segment
//             3: the bytes as a sealed segment, then a valid segment where they end
//   bit 2     the header base (and the file name) come from the bytes' header, else 0
//   bit 3     fix up CRCs: the header's, and every frame's whose stored CRC is even, so
//             valid records with fuzzed payloads (and damage between them) are reachable
//   bit 4     also leave a `*.log.tmp` file
//   bit 5     maxRecordSize 64 instead of the default
//   bits 6-7  how many generated records (0, 1, 4, 9)
// The log is then verified (`LogVerifier.verify`), opened (`FileLog.open`, recovery), read
// back (every payload through `LogEvent.decode`), appended to, closed and opened again.
// The input after byte 0 is also decoded directly as a log event. Nothing may trap or hang,
// and the verifier and recovery must agree:
//   - a log the verifier calls clean opens without cutting anything, with the same records;
//   - a log that opens had at most a torn tail, and is clean and re-openable afterwards;
//   - a log refused as corrupt was not clean, and when the damage is in its records, an
//     operator's truncate at the reported offset, if accepted, leaves a log that opens and
//     verifies clean.
import EventLog
import Glibc
import GatewayLog
import Notify
import Routing

/// `precondition` that keeps its message in an optimised build (the fuzz build is -O).
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

// MARK: - Bytes

private func crc32c(_ bytes: some Sequence<UInt8>, _ start: UInt32 = 0) -> UInt32 {
    var crc = ~start
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

private func readLE<T: FixedWidthInteger>(_ bytes: [UInt8], at index: Int, as: T.Type) -> T {
    var value: T = 0
    for k in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[index + k]) }
    return value
}

private func header(base: UInt64) -> [UInt8] {
    var bytes = Array("GHEVTLOG".utf8) + le(UInt32(1)) + le(base)
    bytes += le(crc32c(bytes))
    return bytes
}

private func frame(_ payload: [UInt8], offset: UInt64) -> [UInt8] {
    let length = UInt32(payload.count)
    return le(crc32c(payload, crc32c(le(offset) + le(length)))) + le(length) + payload
}

/// Makes the header and the chosen frames valid for where they sit (see bit 3).
private func fixUp(_ bytes: inout [UInt8], base: UInt64) {
    guard bytes.count >= 24 else { return }
    bytes.replaceSubrange(20..<24, with: le(crc32c(bytes[0..<20])))
    var position = 24
    while position + 8 <= bytes.count {
        let length = Int(readLE(bytes, at: position + 4, as: UInt32.self))
        guard length <= bytes.count - position - 8 else { return }
        if bytes[position] & 1 == 0 {
            let (offset, overflow) = base.addingReportingOverflow(UInt64(position - 24))
            if overflow { return }
            let crc = crc32c(bytes[(position + 8)..<(position + 8 + length)], crc32c(le(offset) + le(UInt32(length))))
            bytes.replaceSubrange(position..<(position + 4), with: le(crc))
        }
        position += 8 + length
    }
}

private func segmentName(_ base: UInt64) -> String {
    let digits = String(base)
    return String(repeating: "0", count: 20 - digits.count) + digits + ".log"
}

// MARK: - Generated records

private let sampleEvents: [LogEvent] = [
    .received(ReceivedEvent(source: "yunojuno", eventID: "msg_1", eventType: "client.client_contact.created",
                            receivedAt: 1_700_000_000_000, signedAt: 1_700_000_000, contentType: "application/json",
                            body: Array(#"{"data":{"object":{"email":"ada@example.com"}}}"#.utf8))),
    .routed(RoutedEvent(eventOffset: 0, source: "yunojuno", eventID: "msg_1", jobs: [
        JobPlan(id: "j1", rule: "contact", key: "ada@example.com",
                actions: [ActionTemplate(name: "create", api: "growcrm", operation: "create_contact",
                                         params: [:], body: .object(["email": .string("{{ data.object.email }}")]))],
                notify: []),
    ], routedAt: 1_700_000_000_100)),
    .attemptStarted(AttemptStarted(jobID: "j1", step: 0, attempt: 1, at: 1_700_000_000_200)),
    .attemptFinished(AttemptFinished(jobID: "j1", step: 0, attempt: 1, at: 1_700_000_000_300, latencyMs: 12, status: 201,
                                     outcome: .succeeded(result: .object(["id": .int(7)]), note: nil))),
    .attemptFinished(AttemptFinished(jobID: "j1", step: 0, attempt: 2, at: 1, latencyMs: 0, status: nil,
                                     outcome: .retrying(error: "timeout", nextAttemptAt: 2))),
    .requeued(JobRequeued(jobID: "j1", at: 5, reason: "operator")),
    .attemptFinished(AttemptFinished(jobID: "j2", step: 1, attempt: 3, at: 1, latencyMs: 0, status: 422,
                                     outcome: .failed(error: "email taken"))),
    .delivery(.planned(deliveryID: "d1", subscriberID: "ops",
                       notification: Notification(id: "ntf_1", type: "event.received", timestamp: 1,
                                                  data: .object(["source": .string("yunojuno"), "event_id": .string("msg_1")])),
                       at: 2)),
    .delivery(.attemptFinished(deliveryID: "d1", attempt: 1, at: 3, status: 503, latencyMs: 40,
                               outcome: .retrying(error: "503", nextAt: 5000))),
]

/// A whole segment at `base` holding `count` generated records (fewer if offsets would
/// pass 2^64).
private func validSegment(base: UInt64, count: Int) -> [UInt8] {
    var bytes = header(base: base)
    for k in 0..<count {
        let (offset, overflow) = base.addingReportingOverflow(UInt64(bytes.count - 24))
        if overflow { break }
        bytes += frame(sampleEvents[k % sampleEvents.count].encoded(), offset: offset)
    }
    return bytes
}

// MARK: - Codec

private func checkDecode(_ payload: [UInt8]) {
    guard let event = try? LogEvent.decode(payload) else { return }
    _ = try? LogEvent.decode(payload, withBody: false)
    // Re-encoding is a fixed point after one pass (JSON numbers and key order may normalise).
    let once = event.encoded()
    guard let again = try? LogEvent.decode(once) else { fatalError("a decoded event does not decode after encoding: \(event)") }
    guard let twice = try? LogEvent.decode(again.encoded()), twice == again else {
        fatalError("encode/decode is not stable for \(again)")
    }
}

// MARK: - Files

private func write(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    require(fd >= 0, "cannot create \(path)")
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            require(n > 0, "write failed")
            done += n
        }
    }
    close(fd)
}

private func removeTree(_ directory: String) {
    if let dir = opendir(directory) {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink(directory + "/" + name) }
        }
        closedir(dir)
    }
    rmdir(directory)
}

private let scratchRoot: String = {
    let root = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/gatehouse-fuzz-log-\(getpid())"
    mkdir(root, 0o700)
    return root
}()
nonisolated(unsafe) private var iteration = 0

// MARK: - Log checks

private struct Opened {
    let records: Int
    let truncated: Int
}

/// Opens, reads every record, appends one, closes. Returns nil if open refused as corrupt.
private func openReadAppend(_ directory: String, _ options: FileLogOptions, refusal: inout CorruptionReport?) -> Opened? {
    let log: FileLog
    do {
        log = try FileLog.open(directory: directory, options: options)
    } catch {
        guard case .corrupt(let report) = error else { fatalError("open failed with \(error)") }
        _ = error.description
        refusal = report
        return nil
    }
    defer { log.close() }
    let report = log.recovery
    _ = report.summary
    var count = 0
    var previous: UInt64?
    do {
        try log.read(from: 0) { record in
            if let previous { require(record.offset > previous, "offsets out of order") }
            previous = record.offset
            count += 1
            checkDecode(record.payload)
            return true
        }
    } catch {
        fatalError("reading a freshly recovered log failed: \(error)")
    }
    require(count == report.records, "read \(count) records, recovery counted \(report.records)")
    let end = log.durableEnd
    do {
        let offsets = try log.appendAndWait([Array("after-recovery".utf8)])
        require(offsets == [end], "append landed at \(offsets), durable end was \(end)")
    } catch {
        fatalError("append after recovery failed: \(error)")
    }
    return Opened(records: count, truncated: report.truncatedBytes)
}

private func checkLog(_ directory: String, options: FileLogOptions) {
    let first = LogVerifier.verify(directory: directory, maxRecordSize: options.maxRecordSize)
    _ = first.summary
    var refusal: CorruptionReport?
    guard let opened = openReadAppend(directory, options, refusal: &refusal) else {
        require(!first.isClean, "the verifier called clean a log that open refused: \(refusal!)")
        // The operator's repair for damaged records (not headers or missing segments, which
        // sit at position 0): cut at the reported offset, then the log must open.
        if refusal!.position > 0, (try? FileLog.truncate(directory: directory, at: refusal!.offset, sync: .none)) != nil {
            var again: CorruptionReport?
            guard openReadAppend(directory, options, refusal: &again) != nil else {
                fatalError("truncated at \(refusal!.offset) as reported, still refused: \(again!)")
            }
            let after = LogVerifier.verify(directory: directory, maxRecordSize: options.maxRecordSize)
            require(after.isClean, "log not clean after truncate and reopen: \(after.damage)")
        }
        return
    }
    if first.isClean {
        require(opened.truncated == 0, "open cut \(opened.truncated) bytes from a log the verifier called clean")
        require(opened.records == first.records, "verifier counted \(first.records) records, open \(opened.records)")
    } else {
        require(first.damage.count == 1 && first.damage[0].reason.contains("torn tail"),
                     "open accepted a log with damage other than a torn tail: \(first.damage)")
        require(opened.truncated > 0, "open cut nothing from a torn tail")
    }
    // Recovery leaves a log that opens with nothing to cut and verifies clean.
    var refusedAgain: CorruptionReport?
    guard let reopened = openReadAppend(directory, options, refusal: &refusedAgain) else {
        fatalError("a recovered log was refused on reopening: \(refusedAgain!)")
    }
    require(reopened.truncated == 0 && reopened.records == opened.records + 1,
                 "reopen found \(reopened.records) records (cut \(reopened.truncated)), expected \(opened.records + 1)")
    let after = LogVerifier.verify(directory: directory, maxRecordSize: options.maxRecordSize)
    require(after.isClean, "log not clean after recovery: \(after.damage)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let mode = data[0]
    var input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    checkDecode(input)

    let base: UInt64 = mode & 0x04 != 0 && input.count >= 20 ? readLE(input, at: 12, as: UInt64.self) : 0
    if mode & 0x08 != 0 { fixUp(&input, base: base) }
    var options = FileLogOptions(sync: .none)
    if mode & 0x20 != 0 { options.maxRecordSize = 64 }
    let generated = [0, 1, 4, 9][Int(mode >> 6)]

    iteration += 1
    let directory = scratchRoot + "/\(iteration)"
    mkdir(directory, 0o700)
    defer { removeTree(directory) }

    switch mode & 3 {
    case 0:
        write(input, to: directory + "/" + segmentName(base))
    case 1:
        write(validSegment(base: base, count: generated) + input, to: directory + "/" + segmentName(base))
    case 2:
        let sealed = validSegment(base: base, count: max(generated, 1))
        let (next, overflow) = base.addingReportingOverflow(UInt64(sealed.count - 24))
        write(sealed, to: directory + "/" + segmentName(base))
        if !overflow { write(input, to: directory + "/" + segmentName(next)) }
    default:
        write(input, to: directory + "/" + segmentName(base))
        let (next, overflow) = base.addingReportingOverflow(UInt64(max(input.count, 24) - 24))
        if !overflow && next != base { write(validSegment(base: next, count: generated), to: directory + "/" + segmentName(next)) }
    }
    if mode & 0x10 != 0 { write(header(base: 0), to: directory + "/" + segmentName(base) + ".tmp") }

    checkLog(directory, options: options)
    return 0
}
