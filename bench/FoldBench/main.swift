import EventLog
import Foundation
import Gateway

/// Restart cost at scale: writes N accepted webhooks (1 KB bodies, each with its `routed`
/// record) straight into a fresh log, then measures reading the log's bytes (what `cat`
/// does) against folding it into state (what a restart does).
/// Usage: fold-bench DATA_DIR [events]   (DATA_DIR is created; reuse it to skip writing)
let arguments = CommandLine.arguments
guard arguments.count > 1 else { print("usage: fold-bench DATA_DIR [events]"); exit(2) }
let data = arguments[1]
let count = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
let logPath = (data as NSString).appendingPathComponent("log")

if !FileManager.default.fileExists(atPath: logPath) {
    var options = FileLogOptions()
    options.sync = .none
    let log = try FileLog.open(directory: logPath, options: options)
    let filler = String(repeating: "x", count: 900)
    let started = Date()
    var batch: [[UInt8]] = []
    var offset: UInt64 = 0
    for i in 0..<count {
        let body = Array(#"{"event_type":"client.client_contact.created","data":{"object":{"email":"c\#(i)@example.com","pad":"\#(filler)"}}}"#.utf8)
        let received = LogEvent.received(ReceivedEvent(source: "yunojuno", eventID: "msg_\(i)", eventType: "client.client_contact.created",
                                                       receivedAt: 1_764_000_000_000 + Int64(i), signedAt: nil, contentType: "application/json", body: body))
        batch.append(received.encoded())
        if batch.count == 1000 || i == count - 1 {
            let offsets = try log.appendAndWait(batch)
            batch = []
            offset = offsets.last ?? offset
        }
    }
    // Route each event (no rule matched) so the fold sees the usual two records per webhook.
    var routed: [[UInt8]] = []
    try log.read(from: 0) { record in
        if case .received(let e) = try LogEvent.decode(record.payload) {
            routed.append(LogEvent.routed(RoutedEvent(eventOffset: record.offset, source: e.source, eventID: e.eventID, jobs: [], routedAt: e.receivedAt)).encoded())
        }
        return true
    }
    for chunk in stride(from: 0, to: routed.count, by: 5000) { _ = try log.appendAndWait(Array(routed[chunk..<min(chunk + 5000, routed.count)])) }
    log.close()
    print(String(format: "wrote %d events in %.1f s", count, Date().timeIntervalSince(started)))
}

// Reading the bytes, as `cat > /dev/null` does (page cache warm after the first pass).
func readAll() throws -> (UInt64, Double) {
    let started = Date()
    var total: UInt64 = 0
    for file in try FileManager.default.contentsOfDirectory(atPath: logPath).filter({ $0.hasSuffix(".log") }) {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: (logPath as NSString).appendingPathComponent(file)))
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { total += UInt64(chunk.count) }
        try handle.close()
    }
    return (total, Date().timeIntervalSince(started))
}
_ = try readAll()
let (bytes, catSeconds) = try readAll()
var configuration = GatewayConfiguration()
configuration.data = data
let summary = try OfflineReplay.run(configuration: configuration)
let mb = Double(bytes) / 1_048_576
print(String(format: "log: %.0f MiB, %d records", mb, summary.records))
print(String(format: "  read bytes (like cat)   %6.3f s  %8.0f MiB/s", catSeconds, mb / catSeconds))
print(String(format: "  fold into state         %6.3f s  %8.0f MiB/s  (%.0f records/s)", summary.seconds, mb / summary.seconds, Double(summary.records) / summary.seconds))
print(String(format: "  fold / read ratio: %.2f  (target >= 0.5)", catSeconds / summary.seconds))
