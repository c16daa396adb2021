import Foundation
import HTTP1
import Sockets
import TestSupport
import XCTest

/// Asked to pin, with one loop per CPU the process may use, each loop is pinned to its own
/// core (the kernel's own report from inside each loop's thread) and they still serve. Any
/// other count, or pinning not asked for, leaves the loops floating.
final class LoopPinningTests: XCTestCase {
    func testOneLoopPerAllowedCPUPinsEachToItsOwnCore() throws {
        let cpus = CPUAffinity.currentThreadCPUs()
        XCTAssertFalse(cpus.isEmpty, "the kernel reports this thread's CPUs")
        let (server, port) = try startEchoServer(loops: cpus.count, pinsLoops: true)
        defer { server.shutdown(grace: 1) }
        XCTAssertEqual(server.loopCPUs, cpus, "loop i runs on the i-th allowed CPU, and only there")
        for _ in 0..<(2 * cpus.count) {  // connections land on both loops' listeners
            let client = try RawClient(port: port)
            client.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(client.readResponses(1).first?.status, 200)
        }
        XCTAssertEqual(CPUAffinity.currentThreadCPUs(), cpus, "the caller's own affinity is untouched")
    }

    func testOtherLoopCountsAndTheSwitchLeaveLoopsFloating() throws {
        let cpus = CPUAffinity.currentThreadCPUs()
        let (more, _) = try startEchoServer(loops: cpus.count + 1, pinsLoops: true)
        defer { more.shutdown(grace: 1) }
        XCTAssertEqual(more.loopCPUs, [], "more loops than CPUs: no two may share a pinned core")

        let (off, _) = try startEchoServer(loops: cpus.count)
        defer { off.shutdown(grace: 1) }
        XCTAssertEqual(off.loopCPUs, [], "pinning is off unless asked for")
    }
}
