import Routing
import XCTest

final class TemplateRendererTests: XCTestCase {
    let context = TemplateRenderer.context(
        body: json("""
            {"mode": "live", "count": 3, "ratio": 0.5, "ok": true, "nothing": null,
             "data": {"object": {"email": " Ada@Example.COM ", "first_name": "Ada", "tags": ["x", "y"], "address": {"city": "Leeds"}}},
             "items": [{"id": 7}, {"id": 8}]}
            """),
        eventID: "msg_1", eventType: "client.client_contact.created", source: "yunojuno", receivedAt: "2024-05-01T10:00:00Z",
        actions: ["crm-contact": json(#"{"id": 45, "name": "Ada L"}"#)])

    private func render(_ template: String) throws -> JSONValue {
        try TemplateRenderer.render(json(template), context: context)
    }

    func testWholeValuePlaceholderKeepsItsJSONType() throws {
        XCTAssertEqual(try render(#""{{ count }}""#), .int(3))
        XCTAssertEqual(try render(#""{{ratio}}""#), .double(0.5))
        XCTAssertEqual(try render(#""{{ ok }}""#), .bool(true))
        // A null is as good as missing: an error without `default` or `optional`.
        XCTAssertThrowsError(try render(#""{{ nothing }}""#))
        XCTAssertEqual(try render(#""{{ data.object.tags }}""#), json(#"["x", "y"]"#))
        XCTAssertEqual(try render(#""{{ data.object.address }}""#), json(#"{"city": "Leeds"}"#))
        XCTAssertEqual(try render(#""{{ items.1.id }}""#), .int(8))
    }

    func testInterpolationTurnsValuesIntoText() throws {
        XCTAssertEqual(try render(#""n={{ count }}""#), .string("n=3"))
        XCTAssertEqual(try render(#""{{ count }}{{ ratio }}""#), .string("30.5"), "two placeholders are interpolation")
        XCTAssertEqual(try render(#"" {{ count }}""#), .string(" 3"), "surrounding text, even a space, makes text")
        XCTAssertEqual(try render(#""{{ data.object.first_name }} <{{ mode }}> {{ ok }}""#), .string("Ada <live> true"))
        XCTAssertThrowsError(try render(#""[{{ nothing }}]""#), "null spliced into text as nothing")
        XCTAssertEqual(try render(#""[{{ nothing | default:'' }}]""#), .string("[]"))
        XCTAssertEqual(try render(#""tags: {{ data.object.tags }}""#), .string(#"tags: ["x","y"]"#))
    }

    func testNonTemplateValuesPassThrough() throws {
        let template = json(#"{"clientid": 1, "send_email": "no", "flags": [true, null, 2.5], "brace": "{ not } a {template}"}"#)
        XCTAssertEqual(try TemplateRenderer.render(template, context: context), template)
    }

    func testNestedTemplatesRenderEveryField() throws {
        let rendered = try render(#"""
            {"contact": {"email": "{{ data.object.email | trim | lower }}", "ids": ["{{ items.0.id }}", "{{ items.1.id }}"]},
             "custom_fields": [{"name": "source", "value": "{{ $event.source }}"}]}
            """#)
        XCTAssertEqual(rendered, json(#"""
            {"contact": {"email": "ada@example.com", "ids": [7, 8]}, "custom_fields": [{"name": "source", "value": "yunojuno"}]}
            """#))
    }

    func testEventAndActionPaths() throws {
        XCTAssertEqual(try render(#""{{ $event.id }}""#), .string("msg_1"))
        XCTAssertEqual(try render(#""{{ $event.type }}""#), .string("client.client_contact.created"))
        XCTAssertEqual(try render(#""{{ $event.received_at }}""#), .string("2024-05-01T10:00:00Z"))
        XCTAssertEqual(try render(#""{{ $actions.crm-contact.id }}""#), .int(45), "action names may contain '-'")
        XCTAssertEqual(try render(#""/contacts/{{ $actions.crm-contact.id }}""#), .string("/contacts/45"))
    }

    func testEventTypeIsNullWhenUnknown() throws {
        let untyped = TemplateRenderer.context(body: .object([:]), eventID: "e", eventType: nil, source: "s", receivedAt: "t")
        XCTAssertEqual(try TemplateRenderer.render(.string("{{ $event.type | default:'none' }}"), context: untyped), .string("none"))
        XCTAssertEqual(try TemplateRenderer.render(.string("{{ $actions }}"), context: untyped), .object([:]))
    }

    func testMissingValueNamesFieldAndPath() {
        XCTAssertThrowsError(try TemplateRenderer.render(json(#"{"email": "{{ data.object.mail }}"}"#), context: context, field: "body")) { error in
            let error = error as? TemplateError
            XCTAssertEqual(error?.field, "body.email")
            XCTAssertEqual(error?.path, "data.object.mail")
            XCTAssertTrue(error?.message.contains("data.object.mail") ?? false)
        }
        XCTAssertThrowsError(try render(#"{"tags": ["ok", "{{ items.5.id }}"]}"#)) { error in
            XCTAssertEqual((error as? TemplateError)?.field, "tags[1]")
            XCTAssertEqual((error as? TemplateError)?.path, "items.5.id")
        }
        XCTAssertThrowsError(try render(#""Dear {{ data.object.last_name }}""#)) { error in
            XCTAssertEqual((error as? TemplateError)?.path, "data.object.last_name", "interpolation needs its value too")
        }
        XCTAssertThrowsError(try render(#""{{ $actions.crm-owner.id }}""#)) { error in
            XCTAssertEqual((error as? TemplateError)?.path, "$actions.crm-owner.id")
        }
    }

    func testOptionalOmitsObjectFields() throws {
        let rendered = try render(#"{"email": "{{ data.object.email | trim }}", "phone": "{{ data.object.phone | optional }}", "note": "tel {{ data.object.phone | optional }}"}"#)
        XCTAssertEqual(rendered, json(#"{"email": "Ada@Example.COM"}"#))
    }

    func testOptionalOmitsArrayElements() throws {
        XCTAssertEqual(try render(#"["{{ items.0.id }}", "{{ items.9.id | optional }}", "{{ count }}"]"#), json("[7, 3]"))
    }

    /// An optional null is dropped like a missing value: kept, it went out as `"z": null` to
    /// APIs whose fields are plain text.
    func testOptionalKeepsPresentValuesAndDropsNull() throws {
        XCTAssertEqual(try render(#"{"n": "{{ count | optional }}", "z": "{{ nothing | optional }}"}"#), json(#"{"n": 3}"#))
    }

    func testOptionalAtTheRootRendersNull() throws {
        XCTAssertEqual(try render(#""{{ absent | optional }}""#), .null)
        XCTAssertEqual(try TemplateRenderer.renderText("{{ absent | optional }}", context: context), "")
    }

    func testDefaultCoversMissingAndNullButNotPresentValues() throws {
        XCTAssertEqual(try render(#""{{ absent | default:'Contractor' }}""#), .string("Contractor"))
        XCTAssertEqual(try render(#""{{ nothing | default:'none' }}""#), .string("none"))
        XCTAssertEqual(try render(#""{{ absent | default:1 }}""#), .int(1))
        XCTAssertEqual(try render(#""{{ absent | default:2.5 }}""#), .double(2.5))
        XCTAssertEqual(try render(#""{{ absent | default:false }}""#), .bool(false))
        XCTAssertEqual(try TemplateRenderer.render(.string(#"{{ absent | default:"dq" }}"#), context: context), .string("dq"), "double quotes work too")
        XCTAssertEqual(try render(#""{{ mode | default:'x' }}""#), .string("live"))
        XCTAssertEqual(try render(#""{{ count | default:0 }}""#), .int(3))
        XCTAssertEqual(try render(#""id-{{ absent | default:'none' }}""#), .string("id-none"))
    }

    func testRenderTextGivesTextForAnyValue() throws {
        XCTAssertEqual(try TemplateRenderer.renderText("{{ count }}", context: context), "3")
        XCTAssertEqual(try TemplateRenderer.renderText("{{ data.object.email | trim | lower }}", context: context), "ada@example.com")
        XCTAssertEqual(try TemplateRenderer.renderText("plain", context: context), "plain")
    }

    func testSyntaxErrorsAreTemplateErrors() {
        XCTAssertThrowsError(try render(#"{"a": "{{ mode | lowr }}"}"#)) { error in
            XCTAssertEqual((error as? TemplateError)?.field, "a")
            XCTAssertEqual((error as? TemplateError)?.message, "unknown filter 'lowr'")
        }
        XCTAssertThrowsError(try render(#""{{ mode""#)) { error in
            XCTAssertTrue((error as? TemplateError)?.message.hasPrefix("malformed placeholder") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try render(#""{{ $env.HOME }}""#)) { error in
            XCTAssertTrue((error as? TemplateError)?.message.contains("unknown variable") ?? false, "\(error)")
        }
        for malformed in ["{{ }}", "{{ a b }}", "{{ a..b }}", "{{ a | }}", "{{ a {{ b }}", "{{ a | default:x }}", "{{ a | default:'x }}"] {
            XCTAssertThrowsError(try TemplateRenderer.render(.string(malformed), context: context), "accepted \(malformed)")
        }
    }

    func testQuotedArgumentsMayHoldPipesAndBraces() throws {
        XCTAssertEqual(try render(#""{{ absent | default:'a|b}}' }}""#), .string("a|b}}"))
    }

    func testFiltersSetListsEveryFilter() {
        XCTAssertEqual(TemplateRenderer.filters, ["default", "lower", "upper", "trim", "split", "first", "last", "join", "concat", "optional"])
    }
}
