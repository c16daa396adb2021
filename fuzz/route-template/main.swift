// libFuzzer target: route files, conditions and templates (Sources/Routing).
//
// The input is used whole, four ways:
//   - as JSON: `JSONValue.parse`; a parsed value must serialise and parse back equivalent, and
//     `JSONFieldReader` must accept exactly the same inputs and read the same fields;
//   - as a route file: `RouteRules.parse(source:text:)` and `RouteChecker.check`; a file that
//     loads must be JSON to `JSONValue.parse` and load the same from its parsed document (the
//     two JSON parsers agree), its rules must survive the job-plan
//     round trip through JSONEncoder/JSONDecoder (how the gateway logs planned work), and
//     each rule is matched, its key and actions rendered, against its own example and a
//     fixed event;
//   - as a template: `TemplateRenderer.renderText` against a fixed context, which must agree
//     with `render` of the same string;
//   - as an event body: the fixed rules are matched and rendered against it.
// Nothing may trap or hang.
import Foundation
import Routing

/// `precondition` that keeps its message in an optimised build (the fuzz build is -O).
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private let fixedBody = try! JSONValue.parse(Array(#"""
{"event_type": "client.client_contact.created", "kind": "signup",
 "data": {"object": {"email": " Ada.Lovelace@Example.com ", "first_name": "Ada", "last_name": null,
   "is_primary": true, "tags": ["a", "b", 3], "count": 3, "ratio": 0.5, "nested": {"k": [{"id": 1}]}}},
 "submission": {"email": "grace@example.com", "name": "Grace Brewster Hopper", "skills": "cobol, compilers"}}
"""#.utf8))

private func context(body: JSONValue) -> JSONValue {
    TemplateRenderer.context(body: body, eventID: "msg_1", eventType: "client.client_contact.created",
                             source: "yunojuno", receivedAt: "2024-01-01T00:00:00Z",
                             actions: ["crm-contact": .object(["id": .int(7), "email": .string("ada@example.com")])])
}

private let fixedContext = context(body: fixedBody)

/// Operations like the connectors' catalog, so the checker's operation checks run.
private let operations: [OperationSpec] = [
    OperationSpec(api: "yunojuno", operation: "invite_contact", requiredFields: ["email", "first_name", "last_name"]),
    OperationSpec(api: "growcrm", operation: "create_contact", requiredFields: ["first_name", "last_name", "email", "clientid"]),
    OperationSpec(api: "growcrm", operation: "set_account_owner", pathParameters: ["id"]),
    OperationSpec(api: "growcrm", operation: "list_contacts", queryParameters: ["search"]),
    OperationSpec(api: "luminous", operation: "create_contact", requiredFields: ["first_name", "company_id"]),
    OperationSpec(api: "roosted", operation: "create_client", requiredFields: ["client_name"]),
]

private let fixedRules = try! RouteRules.parse(source: "fuzz", text: #"""
{"rules": [
  {"name": "all", "key": "{{ data.object.email | lower | trim }}",
   "actions": [{"name": "a", "api": "growcrm", "operation": "create_contact",
     "params": {"id": "{{ $event.id }}"},
     "body": {"email": "{{ data.object.email | trim | lower }}", "first": "{{ data.object.tags | first }}",
              "joined": "{{ data.object.tags | join:',' }}", "parts": "{{ submission.name | split:' ' | last | upper }}",
              "opt": "{{ data.object.missing | optional }}", "list": ["{{ kind }}", "{{ nope | optional }}", "x{{ count }}y"],
              "whole": "{{ data }}", "event": "{{ $event.id | concat:'-' }}{{ $event.type }}"}},
    {"name": "b", "api": "growcrm", "operation": "set_account_owner", "params": {"id": "{{ $actions.a.id | default:1 }}"}}]},
  {"name": "typed", "when": {"type": ["client.*", "signup"]},
   "if": {"any": [{"equals": {"path": "data.object.is_primary", "value": true}}, {"not": {"exists": "kind"}},
                  {"in": {"path": "data.object.count", "values": [1, 2, 3.0]}}, {"prefix": {"path": "kind", "value": "sign"}},
                  {"all": [{"exists": "data"}, {"equals": {"path": "data.object.ratio", "value": 0.5}}]}]},
   "actions": [{"name": "c", "api": "yunojuno", "operation": "invite_contact", "body": "{{ submission }}"}]}
]}
"""#)

private func exercise(_ rules: RouteRules, eventType: String?, body: JSONValue) {
    let context = context(body: body)
    for rule in rules.matching(eventType: eventType, body: body) {
        _ = try? rule.renderKey(context: context)
        for action in rule.actions {
            switch Result(catching: { () throws(TemplateError) -> RenderedAction in try action.render(context: context) }) {
            case .success(let rendered): _ = rendered.body?.serialized()
            case .failure(let error): _ = error.description
            }
        }
    }
}

/// How the gateway stores planned actions (JobPlanCoding): JSONEncoder, then JSONDecoder.
private func checkPlanRoundTrip(_ rules: RouteRules) {
    for rule in rules.rules where !rule.actions.isEmpty {
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(rule.actions)
        } catch {
            fatalError("rule '\(rule.name)' loaded but its actions cannot be logged as a job plan: \(error)")
        }
        guard let decoded = try? JSONDecoder().decode([ActionTemplate].self, from: encoded) else {
            fatalError("rule '\(rule.name)': a logged job plan does not decode: \(String(decoding: encoded, as: UTF8.self))")
        }
        require(decoded.count == rule.actions.count
                     && zip(decoded, rule.actions).allSatisfy { $0.json.isEquivalent(to: $1.json) },
                     "rule '\(rule.name)': job plan changed in the log round trip")
    }
}

/// The paths the gateway reads from bodies by default, and some that nest, index and repeat.
private let fieldReader = JSONFieldReader(paths: ["type", "event_type", "id", "data.object.email", "0.a.1", "", "a.b", "kind"])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)

    // JSON.
    let parsed = try? JSONValue.parse(bytes)
    if let parsed {
        let written = parsed.serialized()
        guard let back = try? JSONValue.parse(written), back.isEquivalent(to: parsed) else {
            fatalError("JSON does not round-trip: \(String(decoding: written, as: UTF8.self))")
        }
        require((try? JSONValue.parse(parsed.serialized(pretty: true)))?.isEquivalent(to: parsed) == true,
                     "pretty JSON does not round-trip")
        _ = parsed.scalarText
        _ = parsed[path: "data.object.email"]
        _ = parsed[path: "0.a.1"]
        exercise(fixedRules, eventType: parsed[path: "event_type"]?.scalarText ?? parsed[path: "kind"]?.scalarText, body: parsed)
    }

    // The intake's field reader: the same refusals and the same texts as parse + [path:].
    let read = try? fieldReader.scalarTexts(in: bytes)
    require((read == nil) == (parsed == nil), "JSONFieldReader and JSONValue.parse disagree on accepting the input")
    if let read, let parsed {
        require(read == fieldReader.paths.map { parsed[path: $0]?.scalarText }, "JSONFieldReader texts differ: \(read)")
    }

    // Route file.
    let diagnostics = RouteChecker.check(file: "routes/fuzz.json", text: text, operations: operations)
    for diagnostic in diagnostics {
        require(diagnostic.line >= 1, "diagnostic without a line: \(diagnostic)")
        _ = diagnostic.description
    }
    switch Result(catching: { () throws(RouteError) -> RouteRules in try RouteRules.parse(source: "fuzz", text: text) }) {
    case .success(let rules):
        // Route files and event bodies are read by two JSON parsers that must agree: a file
        // that loads is JSON to `JSONValue.parse` too (a leading BOM aside, which only route
        // files may carry), and its parsed document loads the same rules.
        require(parsed != nil || bytes.starts(with: [0xEF, 0xBB, 0xBF]),
                "route file loads, but JSONValue.parse refuses it as JSON")
        if let parsed {
            guard let again = try? RouteRules.parse(source: "fuzz", document: parsed) else {
                fatalError("route file loads from text but not from its parsed document")
            }
            require(again.rules == rules.rules, "route file reads differently from text and from its document")
        }
        checkPlanRoundTrip(rules)
        if let example = rules.example {
            exercise(rules, eventType: example[path: "event_type"]?.scalarText, body: example)
        }
        exercise(rules, eventType: "client.client_contact.created", body: fixedBody)
        exercise(rules, eventType: nil, body: fixedBody)
    case .failure(let error):
        _ = error.description
    }

    // Template.
    let asText = Result { () throws(TemplateError) -> String in try TemplateRenderer.renderText(text, context: fixedContext) }
    let asValue = Result { () throws(TemplateError) -> JSONValue in try TemplateRenderer.render(.string(text), context: fixedContext) }
    switch (asText, asValue) {
    case (.success(let rendered), .success(let value)):
        require(rendered == value.interpolationText, "renderText and render disagree")
    case (.failure(let a), .failure(let b)):
        require(a == b, "renderText and render fail differently: \(a) / \(b)")
    default:
        fatalError("renderText and render disagree on success: \(asText) / \(asValue)")
    }
    if let parsed {
        _ = try? TemplateRenderer.render(parsed, context: fixedContext, field: "body")
    }
    return 0
}
