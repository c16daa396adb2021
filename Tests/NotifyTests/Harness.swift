import Foundation
import Notify
import Routing

/// Shared set-up: subscribers with compressed schedules, notifications, waiting.
enum Harness {
    static let key1: [UInt8] = Array("first-test-signing-key-32-bytes!".utf8)
    static let key2: [UInt8] = Array("second-test-signing-key-32bytes!".utf8)

    static func subscriber(_ id: String, url: String, types: [String] = ["*"], keys: [[UInt8]] = [key1],
                           schedule: [Double] = [0, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
                           configure: (inout SubscriberConfig) -> Void = { _ in }) -> Subscriber {
        var config = SubscriberConfig(id: id, url: url, types: types, timeoutSeconds: 3, retryScheduleSeconds: schedule,
                                      jitter: 0, maxConsecutiveFailures: 100, circuitOpenSeconds: 60)
        configure(&config)
        return Subscriber(config: config, keys: keys)
    }

    static func notification(_ type: String = "action.succeeded", id: String = Notification.newID(),
                             data: JSONValue = .object(["source": .string("yunojuno"), "event_id": .string("evt_1")])) -> Notification {
        Notification(id: id, type: type, timestamp: 1_614_265_330_123, data: data)
    }

    static func notifier(_ subscribers: [Subscriber], journal: MemoryDeliveryJournal, log: LogLines = LogLines(),
                         allowPrivate: Bool = true) -> Notifier {
        Notifier(subscribers: subscribers, journal: journal, allowPrivateAddresses: allowPrivate, logger: log.logger)
    }

    /// Polls `condition` every 10 ms until it holds or `timeout` seconds pass.
    @discardableResult
    static func wait(_ timeout: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Foundation has a `Notification` too; in these tests the name means the notifier's.
typealias Notification = Notify.Notification
