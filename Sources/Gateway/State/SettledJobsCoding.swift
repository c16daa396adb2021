import Wire

/// `SettledJobs` as a snapshot stores it (see docs/snapshot-format.md): the shapes, then the
/// router-made ids and their shapes as words, then the few jobs kept by id and the failures.
extension SettledJobs {
    func encode(to w: inout WireWriter) {
        var merged = self
        merged.mergeStragglers()
        w.u64(UInt64(shapes.count))
        for shape in shapes {
            w.string(shape.rule)
            w.blob(JobPlanCoding.encode(actions: shape.actions))
        }
        w.words(merged.keys)
        w.words(merged.shapeOfKey.map(UInt64.init))
        w.u64(UInt64(others.count))
        for (id, other) in others.sorted(by: { $0.key < $1.key }) {
            w.string(id); w.u64(other.eventOffset); w.u64(UInt64(other.shape))
        }
        w.u64(UInt64(failures.count))
        for (id, failure) in failures.sorted(by: { $0.key < $1.key }) {
            w.string(id); w.u64(failure.eventOffset); w.string(failure.error); w.i64(failure.at)
        }
    }

    /// nil when the bytes are short or inconsistent (a key out of order, a shape that does
    /// not exist).
    static func decode(_ r: inout WireCursor) -> SettledJobs? {
        var settled = SettledJobs()
        guard let shapeCount = r.u64(), shapeCount < 1 << 20 else { return nil }
        for _ in 0..<shapeCount {
            guard let rule = SnapshotFields.string(&r), let blob = SnapshotFields.bytes(&r),
                  let actions = try? JobPlanCoding.actions(blob) else { return nil }
            settled.appendShape(JobShape(rule: rule, actions: actions))
        }
        guard let keys = r.words(), let shapeWords = r.words(), keys.count == shapeWords.count,
              zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }), shapeWords.allSatisfy({ $0 < shapeCount })
        else { return nil }
        var others: [String: Other] = [:]
        guard let otherCount = r.u64(), otherCount < 1 << 32 else { return nil }
        for _ in 0..<otherCount {
            guard let id = SnapshotFields.string(&r), let offset = r.u64(), let shape = r.u64(), shape < shapeCount else { return nil }
            others[id] = Other(eventOffset: offset, shape: UInt32(shape))
        }
        var failures: [String: Failure] = [:]
        guard let failureCount = r.u64(), failureCount < 1 << 32 else { return nil }
        for _ in 0..<failureCount {
            guard let id = SnapshotFields.string(&r), let offset = r.u64(), let error = SnapshotFields.string(&r), let at = r.i64() else { return nil }
            failures[id] = Failure(eventOffset: offset, error: error, at: at)
        }
        settled.restore(keys: keys, shapes: shapeWords.map { UInt32($0) }, others: others, failures: failures)
        return settled
    }
}
