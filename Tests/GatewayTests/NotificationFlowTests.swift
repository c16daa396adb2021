import Foundation
import Gateway
import HTTP1
import Notify
import Routing
import Signing
import Sockets
import TestSupport
import XCTest

/// Subscribers hear about events and action outcomes, signed per Standard Webhooks, with
/// every delivery recorded in the gateway's log.
final class NotificationFlowTests: XCTestCase {
    static let secret = "whsec_" + Base64.encode(Array("subscriber signing key for tests".utf8))

    func testSubscriberReceivesSignedEventAndOutcomeNotifications() throws {
        let sink = try Sink()
        defer { sink.server.shutdown(grace: 1) }
        let h = try ActionHarness()
        h.extraEnvironment["TEST_SUBSCRIBER_SECRET"] = Self.secret
        try h.start { c in
            c.allowPrivateSubscribers = true
            c.subscribers = [SubscriberSettings(config: SubscriberConfig(id: "ops", url: "http://127.0.0.1:\(sink.port)/hook",
                                                                         types: ["event.received", "action.*"]),
                                                secrets: [SecretReference(env: "TEST_SUBSCRIBER_SECRET")])]
        }
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", #"{"email":"n@example.com","first_name":"N","last_name":"O"}"#, id: "msg_n", mode: "test"), 200)
        XCTAssertTrue(h.eventually { sink.received.count >= 2 }, "got \(sink.received.count) notification(s)")
        let types = sink.received.map { (try? JSONValue.parse($0.body))?[path: "type"]?.scalarText ?? "?" }
        XCTAssertEqual(Set(types), ["event.received", "action.succeeded"])

        let key = Array(try XCTUnwrap(Base64.decode(String(Self.secret.dropFirst("whsec_".count)))))
        for request in sink.received {
            // The Standard Webhooks definition, computed here: base64(HMAC-SHA256(key, "id.ts.body")).
            let id = try XCTUnwrap(request.headers["webhook-id"]), ts = try XCTUnwrap(request.headers["webhook-timestamp"])
            let expected = "v1," + Base64.encode(HMACSHA256.authenticate(Array("\(id).\(ts).".utf8) + request.body, key: key))
            XCTAssertTrue(request.headers["webhook-signature"]?.split(separator: " ").contains(Substring(expected)) ?? false)
            let body = try JSONValue.parse(request.body)
            XCTAssertEqual(body[path: "data.event_id"], .string("msg_n"))
            XCTAssertNotNil(body[path: "timestamp"])
        }
        let succeeded = try XCTUnwrap(sink.received.first { $0.bodyText.contains("action.succeeded") })
        let data = try JSONValue.parse(succeeded.body)
        XCTAssertEqual(data[path: "data.api"], .string("growcrm"))
        XCTAssertNotNil(data[path: "data.result.id"], "the id Grow CRM returned")
        XCTAssertFalse(succeeded.bodyText.contains("dev-growcrm-key"), "a credential leaked into a notification")

        let status = try JSONValue.parse(Array((try RawClient(port: h.port).request("GET", "/status")?.body ?? "").utf8))
        XCTAssertEqual(status[path: "subscribers.ops.delivered"], .int(2))
        XCTAssertEqual(status[path: "subscribers.ops.circuit"], .string("closed"))
        XCTAssertEqual(status[path: "subscribers.ops.disabled"], .bool(false))
        let state = try XCTUnwrap(h.gateway?.state.deliveries)
        XCTAssertEqual(h.gateway?.state.knownDeliveries, 2, "deliveries are folded from the log")
        XCTAssertTrue(state.deliveries.isEmpty, "delivered ones are settled")
    }

    func testPrivateSubscriberURLIsRefusedUnlessAllowed() throws {
        let h = try ActionHarness()
        h.extraEnvironment["TEST_SUBSCRIBER_SECRET"] = Self.secret
        XCTAssertThrowsError(try h.start { c in
            c.subscribers = [SubscriberSettings(config: SubscriberConfig(id: "meta", url: "http://169.254.169.254/latest", types: ["*"]),
                                                secrets: [SecretReference(env: "TEST_SUBSCRIBER_SECRET")])]
        }) { error in
            XCTAssertTrue("\(error)".contains("meta"), "\(error)")
        }
    }
}

/// A loopback HTTP endpoint that answers 200 and keeps what it was sent.
final class Sink: @unchecked Sendable {
    struct Received { let headers: HTTPHeaders; let body: [UInt8]; var bodyText: String { String(decoding: body, as: UTF8.self) } }
    let server: HTTPServer
    let port: UInt16
    private let lock = NSLock()
    private var store: [Received] = []
    var received: [Received] { lock.lock(); defer { lock.unlock() }; return store }

    /// `delayMilliseconds` holds each answer back, so deliveries stay in flight for a while.
    init(delayMilliseconds: Int = 0) throws {
        let box = SinkBox()
        server = HTTPServer(configuration: .init(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: 1)) { request, responder in
            box.sink?.keep(Received(headers: request.headers, body: request.body))
            if delayMilliseconds > 0 {
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delayMilliseconds)) { responder.respond(.text(.ok)) }
            } else {
                responder.respond(.text(.ok))
            }
        }
        port = try server.start().port
        box.sink = self
    }

    private func keep(_ r: Received) { lock.lock(); store.append(r); lock.unlock() }
}

private final class SinkBox: @unchecked Sendable { weak var sink: Sink? }
