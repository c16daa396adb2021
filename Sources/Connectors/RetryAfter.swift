import Foundation

/// Reads `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
enum RetryAfter {
    /// Longer asks are read as this (a week, past any retry policy's maximum age): an API's
    /// `Retry-After: 1e16` once overflowed the arithmetic that schedules the retry.
    static let maxSeconds: Double = 7 * 86400

    static func seconds(_ value: String?, now: Date = Date()) -> Double? {
        parsed(value, now: now).map { min($0, maxSeconds) }
    }

    private static func parsed(_ value: String?, now: Date) -> Double? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            return seconds.isFinite && seconds >= 0 ? seconds : nil
        }
        // IMF-fixdate first; the two obsolete forms are still allowed to recipients.
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }
}
