import CLinux

/// Which CPUs a thread runs on. An event loop pinned to a core of its own keeps its
/// connections' data in that core's caches and is never moved between cores while it works.
public enum CPUAffinity {
    /// The CPUs the calling thread may run on (a container's cpuset, `taskset`), ascending.
    public static func currentThreadCPUs() -> [Int] {
        var cpus = [Int32](repeating: 0, count: Int(GH_MAX_CPUS))
        let count = gh_thread_cpus(&cpus, Int32(cpus.count))
        return count < 0 ? [] : cpus[0..<Int(count)].map(Int.init)
    }

    /// Lets the calling thread run on `cpu` only; false (errno in the log's hands) if the
    /// kernel refused, for instance a CPU outside the cpuset.
    @discardableResult
    public static func pinCurrentThread(to cpu: Int) -> Bool {
        gh_pin_thread(Int32(cpu)) == 0
    }
}
