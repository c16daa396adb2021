import Connectors
import Foundation
import Gateway
import Routing
import XCTest

/// The route files the repo ships must pass the checker against the real operation
/// catalog, and `gatehouse check` must point at the line of a mistake.
final class ShippedRoutesTests: XCTestCase {
    let routes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../routes").standardized

    func testShippedRouteFilesPassTheChecker() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: routes.path).filter { $0.hasSuffix(".json") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let text = try String(contentsOf: routes.appendingPathComponent(file), encoding: .utf8)
            XCTAssertEqual(RouteChecker.check(file: file, text: text, operations: OperationCatalog.all), [], file)
            let parsed = try RouteRules.parse(source: file, text: text)
            XCTAssertFalse(parsed.rules.isEmpty, "\(file) ships no rules")
        }
    }

    /// Luminous and Roosted keep nothing unique, so the YunoJuno rules that create there fire
    /// once per contact (on `created`, not again on `registered`) and once per company (its
    /// primary contact's onboarding, not every contact's).
    func testYunoJunoRulesCreateOnceInAPIsWithoutUniqueness() throws {
        let text = try String(contentsOf: routes.appendingPathComponent("yunojuno.json"), encoding: .utf8)
        let rules = try RouteRules.parse(source: "yunojuno", text: text)
        func fired(_ type: String, _ object: String) throws -> [String] {
            let body = try JSONValue.parse(Array(#"{"event_type":"\#(type)","mode":"live","data":{"object":\#(object)}}"#.utf8))
            return rules.matching(eventType: type, body: body).map(\.name).sorted()
        }
        let contact = #"{"email":"a@acme.example","first_name":"A","last_name":"B","company_name":"Acme","is_primary":false}"#
        let primary = #"{"email":"p@acme.example","first_name":"P","last_name":"Q","company_name":"Acme","is_primary":true}"#
        XCTAssertTrue(try fired("client.client_contact.created", contact).contains("contact-to-luminous"))
        XCTAssertEqual(try fired("client.client_contact.registered", contact), [], "a second Luminous contact")
        XCTAssertEqual(try fired("client.client_contact.onboarding_completed", contact), [], "a Roosted client per contact")
        XCTAssertEqual(try fired("client.client_contact.onboarding_completed", primary), ["onboarded-company-to-roosted"])
    }

    /// The server refuses, as it loads, a route naming an operation no API has: it used to
    /// start, answer every event 200, and fail each of its jobs.
    func testARouteNamingAnUnknownOperationIsRefusedAtLoad() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-op-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("gh.json").path
        try """
        {"verify": {"scheme": "github", "secrets": [{"env": "GH_SECRET"}]},
         "rules": [{"name": "r", "actions": [{"name": "a", "api": "growcrm", "operation": "create_contcat", "body": {}}]}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SourceCatalog.loadSource(file: path, secrets: SecretResolver(environment: ["GH_SECRET": "s"]),
                                                          devSecrets: nil, logger: Logger(minimum: .error))) { error in
            XCTAssertTrue("\(error)".contains("create_contcat"), "\(error)")
        }
    }

    /// A rule matching on when.type, for a source whose scheme reads no type and that sets no
    /// event.type: it could never run, and every event was accepted and routed nowhere.
    func testATypedRuleOnASourceWithoutATypeIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-untyped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rule = #""rules": [{"name": "signups", "when": {"type": "signup"}, "actions": [{"name": "owner", "api": "growcrm", "operation": "set_account_owner", "params": {"id": "1"}}]}]"#
        try #"{"verify": {"scheme": "hmac", "secrets": [{"env": "K"}], "hmac": {"header": "X-Sig"}}, \#(rule)}"#
            .write(toFile: folder.appendingPathComponent("form.json").path, atomically: false, encoding: .utf8)
        let secrets = SecretResolver(environment: ["K": "a-form-secret"])
        XCTAssertThrowsError(try SourceCatalog.load(directory: folder.path, secrets: secrets, devSecrets: nil, logger: Logger(minimum: .error))) {
            XCTAssertTrue("\($0)".contains("reads no event type"), "\($0)")
        }
        try #"{"verify": {"scheme": "hmac", "secrets": [{"env": "K"}], "hmac": {"header": "X-Sig"}}, "event": {"type": "kind"}, \#(rule)}"#
            .write(toFile: folder.appendingPathComponent("form.json").path, atomically: false, encoding: .utf8)
        XCTAssertNotNil(try SourceCatalog.load(directory: folder.path, secrets: secrets, devSecrets: nil, logger: Logger(minimum: .error)).sources["form"])
    }

    /// A source prints without its key; two sources with one secret are told apart from two
    /// with their own (the start warns of the first: a capture for one verifies at the other).
    func testSourcesPrintWithoutTheirKeyAndSharedKeysAreFound() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, variable) in [("a", "SECRET_ONE"), ("b", "SECRET_ONE"), ("c", "SECRET_TWO")] {
            try #"{"verify": {"scheme": "github", "secrets": [{"env": "\#(variable)"}]}}"#
                .write(toFile: folder.appendingPathComponent("\(name).json").path, atomically: true, encoding: .utf8)
        }
        let catalog = try SourceCatalog.load(directory: folder.path,
                                             secrets: SecretResolver(environment: ["SECRET_ONE": "shared-secret-value", "SECRET_TWO": "own-secret"]),
                                             devSecrets: nil, logger: Logger(minimum: .error))
        let a = try XCTUnwrap(catalog.sources["a"]), b = try XCTUnwrap(catalog.sources["b"]), c = try XCTUnwrap(catalog.sources["c"])
        XCTAssertTrue(a.verifier.sharesKey(with: b.verifier))
        XCTAssertFalse(a.verifier.sharesKey(with: c.verifier))
        var dumped = ""
        dump(a, to: &dumped)
        for text in ["\(a)", String(reflecting: a), dumped] {
            XCTAssertFalse(text.contains("115, 104, 97"), "the key's bytes (\"sha...\") in: \(text)")
        }
        XCTAssertTrue("\(a)".contains("<redacted>"))
    }

    func testCheckVerbReportsFileAndLineAndExitsNonZero() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = """
        {"verify": {"scheme": "github", "secrets": [{"env": "GH_SECRET"}]},
         "rules": [{"name": "r", "actions": [
            {"name": "a", "api": "growcrm", "operation": "create_contact",
             "body": {"first_name": "{{ x | lowr }}", "last_name": "y", "email": "z", "clientid": 1}}]}]}
        """
        try bad.write(to: folder.appendingPathComponent("gh.json"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try GatehouseBinary.locate()
        process.arguments = ["check", "--routes", folder.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 1)
        XCTAssertTrue(text.contains("gh.json:4:"), text)
        XCTAssertTrue(text.contains("lowr"), text)
    }
}

final class QueryParameterCheckTests: XCTestCase {
    func testQueryParametersOfListOperationsAreAcceptedAndUnknownOnesRefused() {
        let good = """
        {"rules": [{"name": "r", "actions": [{"name": "a", "api": "growcrm", "operation": "list_contacts", "params": {"search": "{{ email }}", "limit": 10}}]}]}
        """
        XCTAssertEqual(RouteChecker.check(file: "x.json", text: good, operations: OperationCatalog.all), [])
        let bad = """
        {"rules": [{"name": "r", "actions": [{"name": "a", "api": "growcrm", "operation": "list_contacts", "params": {"serch": "x"}}]}]}
        """
        XCTAssertEqual(RouteChecker.check(file: "x.json", text: bad, operations: OperationCatalog.all).map(\.message),
                       ["unknown parameter 'serch' for growcrm.list_contacts in rules[0].actions[0].params.serch"])
    }
}
