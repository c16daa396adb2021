/// Why a snapshot was not used (the start then folds the whole log and says so).
enum SnapshotError: Error, CustomStringConvertible {
    case damaged(String)
    case mismatch(String)

    var description: String {
        switch self {
        case .damaged(let why): return "snapshot unreadable: \(why)"
        case .mismatch(let why): return "snapshot does not match the log: \(why)"
        }
    }
}
