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
    // As the gateway writes them: a group commit of accepted webhooks, then, moments later,
    // a `routed` record for each (here no rule matched, so the fold sees two records per webhook).
    var batch: [ReceivedEvent] = []
    for i in 0..<count {
        let body = Array(#"{"event_type":"client.client_contact.created","data":{"object":{"email":"c\#(i)@example.com","pad":"\#(filler)"}}}"#.utf8)
        batch.append(ReceivedEvent(source: "yunojuno", eventID: "msg_\(i)", eventType: "client.client_contact.created",
                                   receivedAt: 1_764_000_000_000 + Int64(i), signedAt: nil, contentType: "application/json", body: body))
        if batch.count == 1000 || i == count - 1 {
            let offsets = try log.appendAndWait(batch.map { LogEvent.received($0).encoded() })
            let routed = zip(batch, offsets).map { e, offset in
                LogEvent.routed(RoutedEvent(eventOffset: offset, source: e.source, eventID: e.eventID, jobs: [], routedAt: e.receivedAt)).encoded()
            }
            _ = try log.appendAndWait(routed)
            batch = []
        }
    }
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
print(String(format: "  fold into state         %6.3f s  %8.0f MiB/s  (%.0f records/s)", summary.foldSeconds, mb / summary.foldSeconds,
             Double(summary.records) / summary.foldSeconds))
print(String(format: "  open + fold (a start)   %6.3f s  %8.0f MiB/s  (opening reads and checks every segment first)", summary.seconds, mb / summary.seconds))
print(String(format: "  fold / read ratio: %.2f  (target >= 0.5); open + fold / read: %.2f", catSeconds / summary.foldSeconds, catSeconds / summary.seconds))

let fromSnapshot = try OfflineReplay.timeRestart(configuration: configuration, writeSnapshot: true)
print(String(format: "  start from a snapshot   %6.3f s  (%@)", fromSnapshot.seconds, fromSnapshot.summary))
