import Glibc

public enum LogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bounded append queue is full; the caller should shed load or retry later.
    case overloaded
    /// The log was closed before the append was accepted.
    case closed
    /// A payload is larger than `FileLogOptions.maxRecordSize`; carries its size.
    case recordTooLarge(Int)
    /// A payload is empty. A record holds at least one byte, so that eight zero bytes can
    /// always be told from a record (segments may end in preallocated zeros).
    case emptyRecord
    /// A system call failed; nothing from the failed batch was reported durable.
    case io(operation: String, errno: Int32)
    /// Damage that recovery must not repair on its own.
    case corrupt(CorruptionReport)

    public var description: String {
        switch self {
        case .overloaded:
            return "event log overloaded: append queue is full"
        case .closed:
            return "event log is closed"
        case .recordTooLarge(let size):
            return "record of \(size) bytes exceeds the maximum record size"
        case .emptyRecord:
            return "record is empty; a record holds at least one byte"
        case .io(let operation, let code):
            return "event log I/O error in \(operation): \(String(cString: strerror(code))) (errno \(code))"
        case .corrupt(let report):
            return "event log corrupt: \(report)"
        }
    }
}
