/// How a batch is made durable before its completions run.
public enum SyncMode: Sendable, Equatable {
    /// Data plus the metadata needed to read it back (file size); the default.
    case fdatasync
    /// Data plus all metadata.
    case fsync
    /// No sync at all: records are only "written". For benchmarks that say so.
    case none
}
