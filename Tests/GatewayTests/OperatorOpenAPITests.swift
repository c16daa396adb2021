import Foundation
import Gateway
import Routing
import XCTest

/// docs/openapi.json describes exactly the routes the server serves: every entry of the
/// router's own table is in it, with its method, responses and security, and it promises
/// no path the router does not serve.
final class OperatorOpenAPITests: XCTestCase {
    func loadDocument() throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.json").standardized
        let data = try XCTUnwrap(FileManager.default.contents(atPath: url.path), "cannot read \(url.path)")
        return try JSONValue.parse(Array(data))
    }

    func paths(_ document: JSONValue) -> [String: JSONValue] {
        guard case .object(let paths)? = document[path: "paths"] else { return [:] }
        return paths
    }

    func testEveryRouteTheRouterServesIsDocumented() throws {
        let document = try loadDocument()
        XCTAssertTrue(document[path: "openapi"]?.scalarText?.hasPrefix("3.0") ?? false)
        XCTAssertEqual(document[path: "info.version"], .string(Gateway.version), "the document's version follows the gateway's")
        let documented = paths(document)
        XCTAssertFalse(OperatorRouter.routes.isEmpty)
        for route in OperatorRouter.routes {
            // Paths are keys, so a dotted one (/status.html) is looked up directly, not as a JSON path.
            let item = try XCTUnwrap(documented[route.pattern], "\(route) is not in docs/openapi.json")
            let operation = try XCTUnwrap(item[path: route.method.lowercased()], "\(route): no \(route.method.lowercased()) operation")
            guard case .object(let responses)? = operation[path: "responses"] else { return XCTFail("\(route): no responses") }
            XCTAssertTrue(responses.keys.contains { $0.hasPrefix("2") }, "\(route): no success response")
            let security = operation[path: "security"]
            if route.isOperator {
                XCTAssertNotNil(responses["401"], "\(route): 401 without the token")
                XCTAssertNotNil(responses["403"], "\(route): 403 for a non-loopback peer without a token")
                XCTAssertNotEqual(security, .array([]), "\(route) must not opt out of the bearer scheme")
            } else {
                XCTAssertEqual(security, .array([]), "\(route) is open: its security must be []")
            }
            for name in route.pattern.split(separator: "/").filter({ $0.hasPrefix("{") }).map({ String($0.dropFirst().dropLast()) }) {
                let parameters = OperatorTest.items(operation[path: "parameters"]) + OperatorTest.items(item[path: "parameters"])
                XCTAssertTrue(parameters.contains { $0[path: "name"] == .string(name) && $0[path: "in"] == .string("path") },
                              "\(route): path parameter \(name) is not described")
            }
        }
    }

    func testTheDocumentPromisesNoRouteTheRouterLacks() throws {
        let document = try loadDocument()
        let served = Set(OperatorRouter.routes.map { "\($0.method.lowercased()) \($0.pattern)" })
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for (path, item) in paths(document) {
            guard case .object(let fields) = item else { continue }
            for method in fields.keys where methods.contains(method) {
                XCTAssertTrue(served.contains("\(method) \(path)"), "docs/openapi.json documents \(method.uppercased()) \(path), which the router does not serve")
            }
        }
        XCTAssertEqual(document[path: "components"].flatMap { $0[path: "securitySchemes"] }.flatMap { scheme -> JSONValue? in
            guard case .object(let schemes) = scheme else { return nil }
            return schemes.values.first
        }?[path: "scheme"], .string("bearer"))
    }
}
