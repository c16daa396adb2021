// notify-bench: publishes COUNT notifications to one subscriber and times their delivery.
// Usage: notify-bench [--url http://127.0.0.1:PORT/path] [--count N] [--concurrency C] [--subscribers S]
//                     [--journal memory|none]   (memory: every event encoded and folded, as the gateway's log would)
// Without --url it starts its own loopback sink (HTTP1.HTTPServer answering 200).
// Prints one line: "deliveries=N seconds=T rate=R failures=F".
import Foundation
import HTTP1
import Notify
import Routing
import Sockets
import Synchronization

/// Counts delivered and failed attempts as they are recorded, so the bench can wait
/// without folding snapshots of a large state.
/// With `keep` false it records nothing (a ceiling: what delivery costs without a journal).
final class CountingJournal: DeliveryJournal {
    private let inner = MemoryDeliveryJournal()
    private let keep: Bool
    let delivered = Atomic<Int>(0)
    let failures = Atomic<Int>(0)

    init(keep: Bool) { self.keep = keep }

    func record(_ events: [DeliveryEvent], then: @escaping @Sendable (Bool) -> Void) {
        for event in events {
            if case .attemptFinished(_, _, _, _, _, let outcome) = event {
                if outcome == .delivered { delivered.add(1, ordering: .relaxed) } else { failures.add(1, ordering: .relaxed) }
            }
        }
        if keep { inner.record(events, then: then) } else { then(true) }
    }

    func state() -> DeliveryState { inner.state() }
    func delivery(id: String) -> DeliveryRecord? { keep ? inner.delivery(id: id) : nil }
}

enum Bench {
    static func option(_ name: String, _ arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }

    static func run(_ arguments: [String]) throws {
        let count = Int(option("--count", arguments) ?? "") ?? 100_000
        let concurrency = Int(option("--concurrency", arguments) ?? "") ?? 8
        let subscribers = Int(option("--subscribers", arguments) ?? "") ?? 1
        var server: HTTPServer?
        let url: String
        if let given = option("--url", arguments) {
            url = given
        } else {
            let s = HTTPServer(configuration: .init(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: 1)) { _, responder in
                responder.respond(HTTPResponse(.ok))
            }
            url = "http://127.0.0.1:\(try s.start().port)/hook"
            server = s
        }
        let journal = CountingJournal(keep: option("--journal", arguments) != "none")
        let key = Array("bench-signing-key-0123456789abcd".utf8)
        let subs = (0..<subscribers).map { i in
            Subscriber(config: SubscriberConfig(id: "bench\(i)", url: url, types: ["*"], concurrency: concurrency), keys: [key])
        }
        let notifier = Notifier(subscribers: subs, journal: journal, allowPrivateAddresses: true) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        notifier.start()
        let data: JSONValue = .object([
            "source": .string("yunojuno"), "event_id": .string("msg_2Lh7Vk3bQk9sXw0aPqR1"),
            "route": .string("yunojuno"), "rule": .string("new-contact-to-growcrm"),
            "action": .string("create_contact"), "result": .object(["id": .int(48213), "email": .string("ada@example.com")]),
        ])
        let expected = count * subscribers
        let started = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count {
            notifier.publish(Notification(id: "ntf_bench\(i)", type: "action.succeeded", timestamp: 1_764_000_000_000, data: data))
        }
        let published = DispatchTime.now().uptimeNanoseconds
        while journal.delivered.load(ordering: .relaxed) < expected {
            if Double(DispatchTime.now().uptimeNanoseconds - started) > 300e9 { break }
            usleep(1000)
        }
        let finished = DispatchTime.now().uptimeNanoseconds
        notifier.stop()
        server?.shutdown(grace: 0.1)
        let seconds = Double(finished - started) / 1e9
        let delivered = journal.delivered.load(ordering: .relaxed)
        print(String(format: "deliveries=%d seconds=%.3f rate=%.0f failures=%d publish_seconds=%.3f",
                     delivered, seconds, Double(delivered) / seconds, journal.failures.load(ordering: .relaxed),
                     Double(published - started) / 1e9))
    }
}

do {
    try Bench.run(CommandLine.arguments)
} catch {
    FileHandle.standardError.write(Data("notify-bench: \(error)\n".utf8))
    exit(1)
}
