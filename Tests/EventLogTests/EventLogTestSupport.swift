import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import EventLog

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TempDirectory {
    let path: String

    init(_ name: String = #function) throws {
        let unique = "eventlog-\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        path = FileManager.default.temporaryDirectory.appendingPathComponent(unique).path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Segment file paths in offset order.
    func segments() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".log") }
            .sorted()
            .map { path + "/" + $0 }
    }
}

/// Deterministic, varied payload bytes so mixed-up records are caught.
func payload(_ seed: Int, size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0 &* 7 &+ ($0 >> 8)) }
}

func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
}

func readAll(_ log: FileLog, from offset: UInt64 = 0) throws -> [LogRecord] {
    var records: [LogRecord] = []
    try log.read(from: offset) { records.append($0); return true }
    return records
}

/// File position of the record at `offset` in a segment based at `base`.
func position(of offset: UInt64, base: UInt64 = 0) -> Int {
    24 + Int(offset - base)
}

/// Runs `body(i)` on `count` real threads at once and waits for all of them;
/// blocking appenders need their own threads, not a pool sized to the cores.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        let thread = Thread {
            body(i)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// Mutable test bookkeeping shared with completions on the writer thread.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
    var current: Value { value.withLock { $0 } }
}

func expectCorrupt(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> CorruptionReport? {
    do {
        try body()
        XCTFail("expected LogError.corrupt, nothing was thrown", file: file, line: line)
    } catch let LogError.corrupt(report) {
        return report
    } catch {
        XCTFail("expected LogError.corrupt, got \(error)", file: file, line: line)
    }
    return nil
}
