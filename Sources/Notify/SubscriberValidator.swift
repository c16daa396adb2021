/// Checks a subscriber's config before the notifier uses it: at config load (the gateway's
/// `check` and `serve`), and again when a `Notifier` is built.
enum SubscriberValidator {
    /// Header names the notifier writes itself, or that would change the framing.
    static let reservedHeaders: Set<String> = [
        "host", "content-length", "content-type", "transfer-encoding", "connection", "keep-alive",
        "te", "trailer", "upgrade", "expect", "user-agent", "proxy-connection",
    ]

    static func validate(_ c: SubscriberConfig, allowPrivateAddresses: Bool) throws(NotifyConfigurationError) {
        func fail(_ reason: String) -> NotifyConfigurationError { NotifyConfigurationError(subscriberID: c.id, reason: reason) }
        guard !c.id.isEmpty, c.id.utf8.count <= 64, c.id.utf8.allSatisfy(isIDCharacter) else {
            throw fail("id must be 1-64 characters of A-Z a-z 0-9 _ -")
        }
        let target: DeliveryTarget
        do { target = try DeliveryTarget.parse(c.url) } catch { throw fail("url \(error.description)") }
        guard !c.types.isEmpty else { throw fail("types is empty: use [\"*\"] for every notification") }
        for pattern in c.types where !isValidPattern(pattern) {
            throw fail("type pattern \"\(pattern)\" is not an exact type, \"prefix.*\" or \"*\"")
        }
        for (name, value) in c.headers ?? [:] {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenCharacter) else { throw fail("header name \"\(name)\" is not a valid token") }
            let lower = name.lowercased()
            guard !reservedHeaders.contains(lower), !lower.hasPrefix("webhook-") else {
                throw fail("header \"\(name)\" is set by the notifier and cannot be configured")
            }
            // The value is not quoted: it may be a credential.
            guard value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw fail("header \"\(name)\" has a control character (CR, LF or NUL) in its value")
            }
        }
        // Upper bounds as well: these become milliseconds in an Int64 (1e16 s trapped, at the
        // start or at the first failure), and a rate below one a day never refills.
        let month = 30.0 * 86_400
        try check(c.rateLimitPerSecond, "rate_limit_per_second (at least 1 a day)", fail) { $0 >= 1.0 / 86_400 && $0 <= 1_000_000 }
        try check(c.timeoutSeconds, "timeout_seconds", fail) { $0 > 0 && $0 <= 600 }
        try check(c.jitter, "jitter", fail) { $0 >= 0 && $0 < 1 }
        try check(c.circuitOpenSeconds, "circuit_open_seconds (at most 30 days)", fail) { $0 > 0 && $0 <= month }
        try check(c.disableAfterFailingSeconds, "disable_after_failing_seconds (at most a year)", fail) { $0 > 0 && $0 <= 12 * month }
        if let schedule = c.retryScheduleSeconds {
            guard !schedule.isEmpty, schedule.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= month }) else {
                throw fail("retry_schedule_seconds must be a non-empty list of waits from 0 to 2592000 (30 days)")
            }
        }
        if let n = c.maxConsecutiveFailures, n < 1 { throw fail("max_consecutive_failures must be at least 1") }
        if let n = c.concurrency, !(1...64).contains(n) { throw fail("concurrency must be 1-64") }
        if let caFile = c.caFile {
            guard target.scheme == .https else { throw fail("ca_file applies to https:// URLs only") }
            do { _ = try TLSClientContext(caFile: caFile) } catch { throw fail(error.description) }
        }
        if !allowPrivateAddresses {
            do {
                _ = try AddressGuard.resolve(target, allowPrivate: false)
            } catch .resolveFailed {
                // A name that does not resolve now (DNS not up yet at boot, a lapsed domain)
                // is no reason to keep the gateway down or this subscriber unusable: every
                // connection resolves and checks again, and fails that attempt alone.
            } catch {
                throw fail("url \(error.description)")
            }
        }
    }

    private static func check(_ value: Double?, _ key: String, _ fail: (String) -> NotifyConfigurationError,
                              _ valid: (Double) -> Bool) throws(NotifyConfigurationError) {
        guard let value else { return }
        guard value.isFinite, valid(value) else { throw fail("\(key) is out of range") }
    }

    static func isValidPattern(_ p: String) -> Bool {
        if p == "*" { return true }
        guard !p.isEmpty, p.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        let body = p.hasSuffix(".*") ? String(p.dropLast(2)) : p
        return !body.isEmpty && !body.contains("*")
    }

    private static func isIDCharacter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    /// RFC 9110 tchar.
    private static func isTokenCharacter(_ c: UInt8) -> Bool {
        if isIDCharacter(c) { return true }
        return "!#$%&'*+.^`|~".utf8.contains(c)
    }
}
