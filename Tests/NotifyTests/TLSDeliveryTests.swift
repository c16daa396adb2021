import Foundation
import HTTP1
@testable import Notify
import XCTest

/// `https://` subscribers through the notifier's own TLS client (OpenSSL): the certificate is
/// checked against the trusted authorities and the URL's host, the connection goes to exactly
/// the address the SSRF guard checked, and a redirect is a failed attempt, never followed.
final class TLSDeliveryTests: XCTestCase {
    private func deliver(to url: String, caFile: String?, schedule: [Double] = [0, 30]) throws -> (DeliveryRecord?, MemoryDeliveryJournal) {
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("tls", url: url, schedule: schedule) {
            $0.timeoutSeconds = 3
            $0.caFile = caFile
        }], journal: journal)
        notifier.start()
        defer { notifier.stop(graceSeconds: 0.1) }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "tls")
        Harness.wait(8) { journal.state().deliveries[id].map { $0.status == .delivered || $0.lastError != nil } ?? false }
        return (journal.state().deliveries[id], journal)
    }

    func testDeliversOverTLSToACertificateFromItsCAFile() throws {
        let sink = try TLSSink()
        defer { sink.stop() }
        for host in ["127.0.0.1", "localhost"] {
            let (record, _) = try deliver(to: "https://\(host):\(sink.port)/in", caFile: sink.caFile)
            XCTAssertEqual(record?.status, .delivered, "\(host): \(record?.lastError ?? "-")")
        }
        XCTAssertEqual(sink.requests.count, 2)
        let request = try XCTUnwrap(sink.requests.first)
        XCTAssertTrue(request.hasPrefix("POST /in HTTP/1.1\r\n"), request)
        XCTAssertTrue(request.lowercased().contains("webhook-signature: v1,"), request)
    }

    /// An answer framed by the close, from a server that closes without TLS's close_notify
    /// (as many do): the end of the answer, not a failed attempt.
    func testAnAnswerEndedByACloseWithoutCloseNotifyIsDelivered() throws {
        let sink = try TLSSink(answer: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthanks", closeNotify: false)
        defer { sink.stop() }
        let (record, _) = try deliver(to: "https://127.0.0.1:\(sink.port)/in", caFile: sink.caFile)
        XCTAssertEqual(record?.status, .delivered, record?.lastError ?? "-")
    }

    /// Kept-alive TLS connections carry the next deliveries: one handshake for several.
    func testATLSConnectionIsKeptAliveForLaterDeliveries() throws {
        let sink = try TLSSink(keepAlive: true)
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("tls", url: "https://127.0.0.1:\(sink.port)/in") {
            $0.caFile = sink.caFile
            $0.concurrency = 1
        }], journal: journal)
        notifier.start()
        defer { notifier.stop(graceSeconds: 0.1) }
        for _ in 0..<3 {
            let n = Harness.notification()
            notifier.publish(n)
            let id = DeliveryID.make(notificationID: n.id, subscriberID: "tls")
            XCTAssertTrue(Harness.wait(5) { journal.state().deliveries[id]?.status == .delivered }, journal.state().deliveries[id]?.lastError ?? "-")
        }
        XCTAssertEqual(sink.requests.count, 3)
        XCTAssertEqual(sink.acceptedConnections, 1, "each delivery made its own connection")
    }

    func testACertificateNoTrustedAuthoritySignedIsRefused() throws {
        let sink = try TLSSink()
        defer { sink.stop() }
        let (record, _) = try deliver(to: "https://127.0.0.1:\(sink.port)/in", caFile: nil)
        XCTAssertNotEqual(record?.status, .delivered)
        let error = try XCTUnwrap(record?.lastError)
        XCTAssertTrue(error.contains("certificate not accepted"), error)
        XCTAssertTrue(sink.requests.isEmpty, "nothing may be sent before the certificate is accepted")
    }

    func testACertificateForAnotherHostIsRefused() throws {
        let sink = try TLSSink(names: "DNS:other.example")
        defer { sink.stop() }
        for host in ["127.0.0.1", "localhost"] {
            let (record, _) = try deliver(to: "https://\(host):\(sink.port)/in", caFile: sink.caFile)
            let error = try XCTUnwrap(record?.lastError, host)
            XCTAssertTrue(error.contains("certificate not accepted"), "\(host): \(error)")
        }
        XCTAssertTrue(sink.requests.isEmpty)
    }

    func testARedirectIsAFailedAttemptNotFollowed() throws {
        let sink = try TLSSink(answer: "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n")
        defer { sink.stop() }
        let (record, _) = try deliver(to: "https://127.0.0.1:\(sink.port)/in", caFile: sink.caFile)
        XCTAssertEqual(record?.lastStatus, 302)
        XCTAssertNotEqual(record?.status, .delivered)
        XCTAssertEqual(sink.requests.count, 1, "the redirect was not followed")
    }

    /// A plain-HTTP port behind an https URL: the handshake fails, recorded as a failed
    /// attempt with the reason.
    func testAHandshakeFailureIsRecorded() throws {
        var limits = HTTPLimits()
        limits.headerTimeoutMilliseconds = 300  // it answers the ClientHello's bytes with a plain 408
        let sink = try ScriptedSink(limits: limits)
        defer { sink.stop() }
        let (record, _) = try deliver(to: "https://127.0.0.1:\(sink.port)/in", caFile: nil)
        let error = try XCTUnwrap(record?.lastError)
        XCTAssertTrue(error.hasPrefix("TLS"), error)
        XCTAssertEqual(record?.status, .pending, "retried later")
    }

    func testACAFileThatHoldsNoCertificateIsRefusedAtStart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-ca-\(UUID().uuidString).pem").path
        try "not a certificate".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = SubscriberConfig(id: "tls", url: "https://hooks.example.com/in", types: ["*"], caFile: path)
        XCTAssertThrowsError(try Notifier.validate([config], allowPrivateAddresses: true)) { error in
            XCTAssertTrue("\(error)".contains("ca_file"), "\(error)")
        }
        let plain = SubscriberConfig(id: "plain", url: "http://hooks.example.com/in", types: ["*"], caFile: path)
        XCTAssertThrowsError(try Notifier.validate([plain], allowPrivateAddresses: true))
    }
}
