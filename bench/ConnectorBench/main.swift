import Connectors
import Foundation
import Routing
import Simulators

/// The HTTP client's own ceiling: ConnectorSet creating Grow CRM contacts on a loopback
/// simulator as fast as it can, with no gateway, log or retries around it.
/// Usage: connector-bench [count] [concurrency]
let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 3000 : 3000
let concurrency = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 4 : 4
let fleet = SimulatorFleet()
try fleet.start()
let dev = SimulatorCredentials.development
let connectors = ConnectorSet(settings: ConnectorSettings(
    growcrm: APIEndpoint(baseURL: fleet.baseURL(for: .growcrm), timeoutSeconds: 15, concurrency: concurrency,
                         auth: .bearer(token: dev.growcrmAPIKey))))
let done = DispatchSemaphore(value: 0)
let failures = Failures()
let started = Date()
for i in 0..<count {
    let action = RenderedAction(name: "c", api: "growcrm", operation: "create_contact", params: [:],
                                body: .object(["first_name": .string("Bench"), "last_name": .string("\(i)"),
                                               "email": .string("bench\(i)@example.com"), "clientid": .int(1)]))
    connectors.perform(action, mode: .fresh) { outcome, _ in
        if case .succeeded = outcome {} else { failures.add() }
        done.signal()
    }
}
for _ in 0..<count { done.wait() }
let seconds = Date().timeIntervalSince(started)
print(String(format: "connector ceiling: %d creates in %.2f s = %.0f requests/s (concurrency %d, URLSession), failures %d",
             count, seconds, Double(count) / seconds, concurrency, failures.count))
fleet.shutdown()

final class Failures: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func add() { lock.lock(); n += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
}
