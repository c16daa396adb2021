import Routing

/// Jobs that succeeded, kept in a few bytes each instead of whole (`JobState` with its plan,
/// strings and results costs kilobytes): a log where every event did work would otherwise
/// hold every job it ever ran in memory, and a restart would rebuild each one.
///
/// What is kept is what the operator's views and retention ask of a finished job: its id,
/// its event, its rule and actions (as an index into a short list of shapes), and the last
/// error of a job that failed attempts before it succeeded. Router-made ids pack into one
/// word (`RoutedJobID`) held in ascending order, so a look-up is a binary search and a
/// snapshot stores two arrays of words.
struct SettledJobs: Sendable {
    struct Other: Sendable, Equatable {
        let eventOffset: UInt64
        let shape: UInt32
    }

    struct Failure: Sendable, Equatable {
        let eventOffset: UInt64
        let error: String
        let at: Int64
    }

    /// Packed router-made ids, ascending, and each one's shape.
    private(set) var keys: [UInt64] = []
    private(set) var shapeOfKey: [UInt32] = []
    /// Jobs settled out of key order since the last merge (a retry finished late).
    private var stragglers: [UInt64: UInt32] = [:]
    /// Jobs whose ids are not router-made (remapped ones): few, kept by id.
    private(set) var others: [String: Other] = [:]
    private(set) var shapes: [JobShape] = []
    private var shapesByRule: [String: [UInt32]] = [:]
    /// The shape interned last: consecutive jobs mostly share it.
    private var lastShape: UInt32?
    /// Settled jobs per shape: the status page's totals without a walk over every job.
    private(set) var countOfShape: [Int] = []
    /// The last error of jobs that failed an attempt before they succeeded, by id.
    private(set) var failures: [String: Failure] = [:]
    /// The newest of `failures` per API, kept as they come so `/status` does not walk them all.
    private(set) var newestFailureByAPI: [String: Failure] = [:]

    var count: Int { keys.count + stragglers.count + others.count }

    // MARK: - Adding

    mutating func add(_ job: JobState) {
        let shape = intern(job.plan)
        if let id = RoutedJobID(job.plan.id), id.eventOffset == job.eventOffset {
            if let last = keys.last, id.packed <= last {
                stragglers[id.packed] = shape
                if stragglers.count > 1024 + keys.count / 8 { mergeStragglers() }
            } else {
                keys.append(id.packed)
                shapeOfKey.append(shape)
            }
        } else {
            others[job.plan.id] = Other(eventOffset: job.eventOffset, shape: shape)
        }
        countOfShape[Int(shape)] += 1
        if let error = job.lastError {
            let failure = Failure(eventOffset: job.eventOffset, error: error, at: job.lastErrorAt ?? 0)
            failures[job.plan.id] = failure
            if let api = shapes[Int(shape)].api, failure.at >= (newestFailureByAPI[api]?.at ?? .min) { newestFailureByAPI[api] = failure }
        }
    }

    private mutating func intern(_ plan: JobPlan) -> UInt32 {
        // Plans of one rule share their action list (see `JobPlanCoding`), so these compares
        // are normally identity checks.
        if let last = lastShape, shapes[Int(last)].rule == plan.rule, shapes[Int(last)].actions == plan.actions { return last }
        let found = (shapesByRule[plan.rule] ?? []).first { shapes[Int($0)].actions == plan.actions }
        let index = found ?? appendShape(JobShape(rule: plan.rule, actions: plan.actions))
        lastShape = index
        return index
    }

    @discardableResult
    mutating func appendShape(_ shape: JobShape) -> UInt32 {
        let index = UInt32(shapes.count)
        shapes.append(shape)
        countOfShape.append(0)
        shapesByRule[shape.rule, default: []].append(index)
        return index
    }

    /// Takes tables a snapshot stored (keys ascending, shapes already appended).
    mutating func restore(keys: [UInt64], shapes shapeOfKey: [UInt32], others: [String: Other], failures: [String: Failure]) {
        self.keys = keys
        self.shapeOfKey = shapeOfKey
        self.others = others
        self.failures = failures
        for shape in shapeOfKey { countOfShape[Int(shape)] += 1 }
        for other in others.values { countOfShape[Int(other.shape)] += 1 }
        findNewestFailures()
    }

    /// Folds the stragglers into the sorted arrays, one pass.
    mutating func mergeStragglers() {
        guard !stragglers.isEmpty else { return }
        let late = stragglers.sorted { $0.key < $1.key }
        var mergedKeys: [UInt64] = [], mergedShapes: [UInt32] = []
        mergedKeys.reserveCapacity(keys.count + late.count)
        mergedShapes.reserveCapacity(keys.count + late.count)
        var i = 0, j = 0
        while i < keys.count || j < late.count {
            if j == late.count || (i < keys.count && keys[i] < late[j].key) {
                mergedKeys.append(keys[i]); mergedShapes.append(shapeOfKey[i]); i += 1
            } else {
                // A key settled twice cannot happen (a job succeeds once); were it to, one entry stays.
                if i < keys.count && keys[i] == late[j].key { i += 1 }
                mergedKeys.append(late[j].key); mergedShapes.append(late[j].value); j += 1
            }
        }
        keys = mergedKeys
        shapeOfKey = mergedShapes
        stragglers = [:]
    }

    // MARK: - Looking up

    /// The event offset and shape of settled job `id`, if it is one.
    func find(_ id: String) -> (eventOffset: UInt64, shape: JobShape)? {
        if let routed = RoutedJobID(id) {
            if let shape = stragglers[routed.packed] { return (routed.eventOffset, shapes[Int(shape)]) }
            if let row = row(of: routed.packed) { return (routed.eventOffset, shapes[Int(shapeOfKey[row])]) }
            // A router-shaped id whose offset is not its event's is kept by id (see `add`).
        }
        return others[id].map { ($0.eventOffset, shapes[Int($0.shape)]) }
    }

    func summary(of id: String) -> JobSummary? {
        find(id).map { JobSummary(settled: id, shape: $0.shape, eventOffset: $0.eventOffset, lastError: failures[id]?.error) }
    }

    private func row(of key: UInt64) -> Int? {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }

    /// Every settled job as (id, event offset, shape), router-made ones in key order.
    func forEach(_ body: (_ id: () -> String, _ eventOffset: UInt64, _ shape: JobShape) -> Void) {
        var merged = self
        merged.mergeStragglers()
        for (key, shape) in zip(merged.keys, merged.shapeOfKey) {
            body({ RoutedJobID(packed: key).description }, key >> 8, shapes[Int(shape)])
        }
        for (id, other) in others.sorted(by: { $0.key < $1.key }) { body({ id }, other.eventOffset, shapes[Int(other.shape)]) }
    }

    /// Settled jobs per API (that of each job's last action).
    var countByAPI: [String: Int] {
        var counts: [String: Int] = [:]
        for (shape, count) in zip(shapes, countOfShape) where count > 0 {
            if let api = shape.api { counts[api, default: 0] += count }
        }
        return counts
    }

    /// Rebuilds `newestFailureByAPI` from `failures` (after retention or a restore).
    private mutating func findNewestFailures() {
        newestFailureByAPI = [:]
        for (id, failure) in failures {
            guard let api = find(id)?.shape.api else { continue }
            if failure.at >= (newestFailureByAPI[api]?.at ?? .min) { newestFailureByAPI[api] = failure }
        }
    }

    // MARK: - Retention

    /// Forgets the jobs of events received before `floor`; returns how many went, per API.
    mutating func removeAll(eventsBefore floor: UInt64) -> [String: Int] {
        mergeStragglers()
        var removed: [String: Int] = [:]
        func drop(_ shape: UInt32) {
            countOfShape[Int(shape)] -= 1
            if let api = shapes[Int(shape)].api { removed[api, default: 0] += 1 }
        }
        // Keys sort by event offset first: the ones to forget are a prefix.
        let cut = keys.firstIndex { $0 >> 8 >= floor } ?? keys.count
        for shape in shapeOfKey[..<cut] { drop(shape) }
        keys.removeFirst(cut)
        shapeOfKey.removeFirst(cut)
        for (id, other) in others where other.eventOffset < floor {
            drop(other.shape)
            others.removeValue(forKey: id)
        }
        failures = failures.filter { $0.value.eventOffset >= floor }
        findNewestFailures()
        return removed
    }
}

extension SettledJobs: Equatable {
    /// Equal when they hold the same jobs: shapes may be numbered in another order, and
    /// stragglers may or may not have been merged yet.
    static func == (a: SettledJobs, b: SettledJobs) -> Bool {
        var left: [(String, UInt64, JobShape)] = [], right: [(String, UInt64, JobShape)] = []
        a.forEach { left.append(($0(), $1, $2)) }
        b.forEach { right.append(($0(), $1, $2)) }
        return left.count == right.count && zip(left, right).allSatisfy { $0 == $1 } && a.failures == b.failures
    }
}
