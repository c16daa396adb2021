/// Which count a finished job joins when retention forgets it: the API of the action it
/// ended on, and how it ended.
public struct RetiredJobKey: Hashable, Sendable {
    public let api: String
    public let status: JobState.Status
}
