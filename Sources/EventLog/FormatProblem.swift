/// Why bytes on disk are not what the format says they should be.
struct FormatProblem: Error, Sendable {
    let reason: String
}
