import Dispatch
import Foundation
import Glibc
import XCTest
@testable import EventLog

final class ConcurrencyTests: XCTestCase {
    func testConcurrentAppendsFromEightThreadsAreAllDurable() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: 64 << 10))
        let acknowledged = Shared<[[UInt64]]>(Array(repeating: [], count: 8))
        let failures = Shared(0)
        onThreads(8) { thread in
            for i in 0..<500 {
                do {
                    let offsets = try log.appendAndWait([Array("t\(thread)-\(i)".utf8)])
                    acknowledged.update { $0[thread] += offsets }
                } catch {
                    failures.update { $0 += 1 }
                }
            }
        }
        XCTAssertEqual(failures.current, 0)
        let perThread = acknowledged.current
        let all = perThread.flatMap { $0 }
        XCTAssertEqual(all.count, 4000)
        XCTAssertEqual(Set(all).count, 4000, "offsets are unique")
        for offsets in perThread {
            XCTAssertEqual(offsets, offsets.sorted(), "one thread's appends keep their order")
        }
        let stats = log.stats()
        XCTAssertEqual(stats.recordsAppended, 4000)
        XCTAssertLessThan(stats.batches, 4000, "appenders shared syncs")
        log.close()

        let reopened = try FileLog.open(directory: dir.path)
        defer { reopened.close() }
        let records = try readAll(reopened)
        XCTAssertEqual(records.count, 4000)
        XCTAssertEqual(Set(records.map { String(decoding: $0.payload, as: UTF8.self) }).count, 4000)
        let byOffset = Dictionary(uniqueKeysWithValues: records.map { ($0.offset, $0.payload) })
        for (thread, offsets) in perThread.enumerated() {
            for (i, offset) in offsets.enumerated() {
                XCTAssertEqual(byOffset[offset], Array("t\(thread)-\(i)".utf8))
            }
        }
    }

    func testReadersOnlySeeDurableRecordsWhileAppendsRun() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: 16 << 10))
        let stop = Shared(false)
        let problems = Shared<[String]>([])
        let group = DispatchGroup()
        group.enter()
        Thread {
            defer { group.leave() }
            var lastCount = 0
            while !stop.current {
                do {
                    var count = 0
                    var previous: UInt64?
                    try log.read(from: 0) { record in
                        if let previous, record.offset <= previous { problems.update { $0.append("order") } }
                        if record.payload != payload(count, size: 300) { problems.update { $0.append("payload \(count)") } }
                        previous = record.offset
                        count += 1
                        return true
                    }
                    if count < lastCount { problems.update { $0.append("shrank") } }
                    if let previous, previous >= log.durableEnd {
                        problems.update { $0.append("past durable end") }
                    }
                    lastCount = count
                } catch {
                    problems.update { $0.append("\(error)") }
                }
            }
        }.start()
        for i in 0..<300 {
            _ = try log.appendAndWait([payload(i, size: 300)])
        }
        stop.update { $0 = true }
        group.wait()
        log.close()
        XCTAssertEqual(problems.current, [])
    }

    func testAFullQueueRefusesAppendsInsteadOfGrowing() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var options = FileLogOptions(queueCapacity: 4)
        options.beforeBatch = { usleep(10_000) }
        let log = try FileLog.open(directory: dir.path, options: options)
        let succeeded = Shared(0)
        let overloaded = Shared(0)
        let maxDepth = Shared(0)
        let group = DispatchGroup()
        for i in 0..<200 {
            group.enter()
            log.append([payload(i, size: 32)]) { result in
                switch result {
                case .success: succeeded.update { $0 += 1 }
                case .failure(.overloaded): overloaded.update { $0 += 1 }
                case .failure(let error): XCTFail("\(error)")
                }
                group.leave()
            }
            let depth = log.stats().queueDepth
            maxDepth.update { $0 = max($0, depth) }
        }
        group.wait()
        XCTAssertGreaterThan(overloaded.current, 100)
        XCTAssertGreaterThan(succeeded.current, 0)
        XCTAssertEqual(succeeded.current + overloaded.current, 200)
        XCTAssertLessThanOrEqual(maxDepth.current, 4)
        XCTAssertEqual(log.stats().recordsAppended, UInt64(succeeded.current))
        // A batch bigger than the whole queue can never fit.
        XCTAssertThrowsError(try log.appendAndWait((0..<5).map { payload($0, size: 1) })) {
            XCTAssertEqual($0 as? LogError, .overloaded)
        }
        log.close()
    }

    func testQueueByteCapacityBoundsMemoryForLargeRecords() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var options = FileLogOptions(maxRecordSize: 64 << 10, queueByteCapacity: 128 << 10)
        options.beforeBatch = { usleep(10_000) }
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        let overloaded = Shared(0)
        let payloads = (0..<20).map { payload($0, size: 64 << 10) }
        for i in 0..<20 {
            log.append([payloads[i]]) { result in
                if case .failure(.overloaded) = result { overloaded.update { $0 += 1 } }
            }
        }
        XCTAssertGreaterThan(overloaded.current, 0)
    }

    /// Printed, not asserted: the box is shared and this is usually a debug build.
    func testThroughputOfFiftyConcurrentAppenders() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        let record = payload(1, size: 1024)
        let perThread = 400
        let failures = Shared(0)
        let started = DispatchTime.now().uptimeNanoseconds
        onThreads(50) { _ in
            for _ in 0..<perThread {
                do { _ = try log.appendAndWait([record]) } catch { failures.update { $0 += 1 } }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let stats = log.stats()
        log.close()
        XCTAssertEqual(failures.current, 0)
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        print(String(format: "EventLog throughput (%@ build): %.0f records/s of 1 KB from 50 appenders; "
                     + "%llu batches, %.1f records/batch, fsync p50 %d us, p99 %d us",
                     build, Double(50 * perThread) / seconds, stats.batches, stats.averageGroupSize,
                     stats.fsyncP50Micros ?? -1, stats.fsyncP99Micros ?? -1))
    }

    /// `top -H`, `perf` and `/proc` show the writer by this name.
    func testTheWriterThreadCarriesItsName() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        _ = try log.appendAndWait([Array("named".utf8)])  // the writer has certainly started
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
        XCTAssertTrue(names.contains("log-writer\n"), "thread names: \(names.sorted())")
    }
}
