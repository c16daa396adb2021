import EventLog
import Foundation
import Gateway
import Notify
import Routing

/// Restart cost at scale: writes N accepted webhooks (1 KB bodies, each with its `routed`
/// record) straight into a fresh log, then measures reading the log's bytes (what `cat`
/// does) against folding it into state (what a restart does).
/// With `jobs`, each webhook is routed to two jobs (a Grow CRM and a Luminous create, as the
/// shipped routes plan them), each with its attempt started and finished: six records per
/// webhook instead of two, the shape of a log where every event does work.
/// With `notify`, each webhook's `event.received` notification is delivered once to one
/// subscriber instead: planned, attempt started, delivered (five records per webhook).
/// Usage: fold-bench DATA_DIR [events] [jobs|notify]   (DATA_DIR is created; reuse it to skip writing)
let arguments = CommandLine.arguments
guard arguments.count > 1 else { print("usage: fold-bench DATA_DIR [events]"); exit(2) }
let data = arguments[1]
let count = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
let withJobs = arguments.count > 3 && arguments[3] == "jobs"
let withDeliveries = arguments.count > 3 && arguments[3] == "notify"
let crm = ActionTemplate(name: "crm-contact", api: "growcrm", operation: "create_contact",
                         body: .object(["email": .string("{{ data.object.email | lower }}"), "first_name": .string("{{ data.object.first_name | trim }}"),
                                        "last_name": .string("{{ data.object.last_name | trim }}"), "clientid": .int(1), "send_email": .string("no")]))
let luminous = ActionTemplate(name: "luminous-contact", api: "luminous", operation: "create_contact",
                              body: .object(["email": .string("{{ data.object.email | lower }}"), "company_id": .int(1), "tags": .array([.string("yunojuno")])]))
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
            let plans = { (offset: UInt64, e: ReceivedEvent) -> [JobPlan] in
                guard withJobs else { return [] }
                return [JobPlan(id: "job_\(offset)_0", rule: "contact-to-growcrm", key: "yunojuno:\(e.eventID)", actions: [crm], notify: []),
                        JobPlan(id: "job_\(offset)_1", rule: "contact-to-luminous", key: "yunojuno:\(e.eventID)", actions: [luminous], notify: [])]
            }
            let routed = zip(batch, offsets).map { e, offset in
                LogEvent.routed(RoutedEvent(eventOffset: offset, source: e.source, eventID: e.eventID, jobs: plans(offset, e), routedAt: e.receivedAt)).encoded()
            }
            _ = try log.appendAndWait(routed)
            if withJobs {
                var attempts: [[UInt8]] = []
                for (e, offset) in zip(batch, offsets) {
                    for (n, plan) in plans(offset, e).enumerated() {
                        attempts.append(LogEvent.attemptStarted(AttemptStarted(jobID: plan.id, step: 0, attempt: 1, at: e.receivedAt + 5)).encoded())
                        attempts.append(LogEvent.attemptFinished(AttemptFinished(
                            jobID: plan.id, step: 0, attempt: 1, at: e.receivedAt + 40, latencyMs: 35, status: 201,
                            outcome: .succeeded(result: .object(["id": .int(Int64(offset) * 2 + Int64(n))]), note: nil))).encoded())
                    }
                }
                _ = try log.appendAndWait(attempts)
            }
            if withDeliveries {
                var steps: [[UInt8]] = []
                for e in batch {
                    // As NotificationFactory.received builds it.
                    let notification = Notify.Notification(type: "event.received", timestamp: e.receivedAt + 2, data: .object([
                        "source": .string(e.source), "event_id": .string(e.eventID), "event_type": .string("client.client_contact.created"),
                        "received_at": .string("2025-11-24T16:00:00.000Z")]))
                    let id = notification.id + ".ops"
                    steps.append(LogEvent.delivery(.planned(deliveryID: id, subscriberID: "ops", notification: notification, at: e.receivedAt + 2)).encoded())
                    steps.append(LogEvent.delivery(.attemptStarted(deliveryID: id, attempt: 1, at: e.receivedAt + 3)).encoded())
                    steps.append(LogEvent.delivery(.attemptFinished(deliveryID: id, attempt: 1, at: e.receivedAt + 9, status: 200, latencyMs: 6,
                                                                    outcome: .delivered)).encoded())
                }
                _ = try log.appendAndWait(steps)
            }
            batch = []
        }
    }
    log.close()
    print(String(format: "wrote %d events in %.1f s", count, Date().timeIntervalSince(started)))
}

// With FOLD_BENCH_RESTART_ONLY set, only times starts from the snapshot left by an earlier run (for profiling).
if ProcessInfo.processInfo.environment["FOLD_BENCH_RESTART_ONLY"] != nil {
    var configuration = GatewayConfiguration()
    configuration.data = data
    for _ in 0..<3 {
        let start = try OfflineReplay.timeRestart(configuration: configuration, writeSnapshot: false)
        print(String(format: "  start from a snapshot   %6.3f s  (%@)", start.seconds, start.summary))
    }
    exit(0)
}

// Reading the bytes as `cat > /dev/null` does: read(2) into one 128 KiB buffer, again and
// again (page cache warm after the first pass). bench/restart.sh also times cat itself.
func readAll() throws -> (UInt64, Double) {
    let started = Date()
    var total: UInt64 = 0
    var buffer = [UInt8](repeating: 0, count: 128 << 10)
    for file in try FileManager.default.contentsOfDirectory(atPath: logPath).filter({ $0.hasSuffix(".log") }) {
        let fd = open((logPath as NSString).appendingPathComponent(file), O_RDONLY)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            total += UInt64(n)
        }
        close(fd)
    }
    return (total, Date().timeIntervalSince(started))
}
// Each measured three times (page cache warm), best kept: the machine is shared and noisy.
_ = try readAll()
var (bytes, catSeconds) = try readAll()
for _ in 0..<2 { catSeconds = min(catSeconds, try readAll().1) }
var configuration = GatewayConfiguration()
configuration.data = data
var summary = try OfflineReplay.run(configuration: configuration)
for _ in 0..<2 {
    let again = try OfflineReplay.run(configuration: configuration)
    if again.foldSeconds < summary.foldSeconds { summary = again }
}
let mb = Double(bytes) / 1_048_576
print(String(format: "log: %.0f MiB, %d records", mb, summary.records))
print(String(format: "  read bytes (like cat)   %6.3f s  %8.0f MiB/s", catSeconds, mb / catSeconds))
print(String(format: "  fold into state         %6.3f s  %8.0f MiB/s  (%.0f records/s)", summary.foldSeconds, mb / summary.foldSeconds,
             Double(summary.records) / summary.foldSeconds))
print(String(format: "  open + fold (a start)   %6.3f s  %8.0f MiB/s  (opening reads and checks every segment first)", summary.seconds, mb / summary.seconds))
print(String(format: "  fold / read ratio: %.2f  (target >= 0.5); open + fold / read: %.2f   (best of three each)",
             catSeconds / summary.foldSeconds, catSeconds / summary.seconds))

// Leaves the snapshot behind in DATA_DIR/snapshots (bench/restart.sh removes it to time a start without one).
let fromSnapshot = try OfflineReplay.timeRestart(configuration: configuration, writeSnapshot: true)
print(String(format: "  start from a snapshot   %6.3f s  (%@)", fromSnapshot.seconds, fromSnapshot.summary))
