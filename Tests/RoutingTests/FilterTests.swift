import Routing
import XCTest

final class FilterTests: XCTestCase {
    let context = json("""
        {"name": "  Ada Lovelace ", "csv": "red, green ,blue", "tags": ["a", "b", "c"], "empty": [], "n": 42,
         "mixed": ["x", 1, true, null], "nested": [["x"]], "nothing": null, "obj": {"k": "v"}}
        """)

    private func value(_ placeholder: String) throws -> JSONValue {
        try TemplateRenderer.render(.string("{{ \(placeholder) }}"), context: context)
    }

    private func assertFails(_ placeholder: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try value(placeholder), file: file, line: line) { error in
            XCTAssertEqual((error as? TemplateError)?.message, message, file: file, line: line)
        }
    }

    func testLowerUpperTrim() throws {
        XCTAssertEqual(try value("name | lower"), .string("  ada lovelace "))
        XCTAssertEqual(try value("name | upper"), .string("  ADA LOVELACE "))
        XCTAssertEqual(try value("name | trim"), .string("Ada Lovelace"))
        XCTAssertEqual(try value("n | upper"), .string("42"), "numbers are read as text")
        assertFails("tags | lower", "lower needs text, got a list")
        assertFails("obj | trim", "trim needs text, got an object")
    }

    func testSplit() throws {
        XCTAssertEqual(try value("csv | split:','"), json(#"["red", " green ", "blue"]"#))
        XCTAssertEqual(try value("name | trim | split:' '"), json(#"["Ada", "Lovelace"]"#))
        XCTAssertEqual(try value("absent | default:'' | split:','"), json("[]"))
        assertFails("tags | split:','", "split needs text, got a list")
    }

    func testFirstAndLast() throws {
        XCTAssertEqual(try value("tags | first"), .string("a"))
        XCTAssertEqual(try value("tags | last"), .string("c"))
        assertFails("mixed | last", "null at 'mixed' (add | default:'...' or | optional)")  // a null is as good as missing
        assertFails("name | first", "first needs a list, got text")
        assertFails("name | last", "last needs a list, got text")
        assertFails("n | first", "first needs a list, got a number")
    }

    func testFirstOfAnEmptyListIsMissing() throws {
        assertFails("empty | first", "no value at 'empty' (add | default:'...' or | optional)")
        XCTAssertEqual(try value("empty | first | default:'none'"), .string("none"))
        XCTAssertEqual(try TemplateRenderer.render(json(#"{"a": "{{ empty | last | optional }}"}"#), context: context), .object([:]))
    }

    func testJoin() throws {
        XCTAssertEqual(try value("tags | join:','"), .string("a,b,c"))
        XCTAssertEqual(try value("tags | join:''"), .string("abc"))
        XCTAssertEqual(try value("mixed | join:'-'"), .string("x-1-true-"))
        XCTAssertEqual(try value("empty | join:','"), .string(""))
        assertFails("name | join:','", "join needs a list, got text")
        assertFails("nested | join:','", "join needs a list of text or numbers, found a list in it")
    }

    func testConcat() throws {
        XCTAssertEqual(try value("tags | first | concat:'@example.com'"), .string("a@example.com"))
        XCTAssertEqual(try value("n | concat:'%'"), .string("42%"))
        XCTAssertEqual(try value("n | concat:1"), .string("421"))
        assertFails("tags | concat:'x'", "concat needs text, got a list")
    }

    func testChains() throws {
        XCTAssertEqual(try value("csv | split:',' | first | trim | upper"), .string("RED"))
        XCTAssertEqual(try value("csv | split:',' | last | trim | concat:'!'"), .string("blue!"))
        XCTAssertEqual(try value("name | trim | lower | split:' ' | join:'.'"), .string("ada.lovelace"))
        XCTAssertEqual(try TemplateRenderer.render(.string("Hi {{ name | trim | split:' ' | first }}!"), context: context), .string("Hi Ada!"))
    }

    func testMissingValuesFlowThroughToDefaultOrOptional() throws {
        XCTAssertEqual(try value("absent | lower | default:'x'"), .string("x"))
        XCTAssertEqual(try value("absent | default:'A,B' | split:',' | last | lower"), .string("b"))
        // Null passes through text filters and is then as good as missing: an error unless
        // `default` or `optional` says what to do (it went out as `"phone": null`).
        assertFails("nothing | upper", "null at 'nothing' (add | default:'...' or | optional)")
        XCTAssertEqual(try value("nothing | upper | default:'N'"), .string("N"))
        XCTAssertEqual(try TemplateRenderer.render(json(#"{"phone": "{{ nothing | optional }}"}"#), context: context), .object([:]))
        XCTAssertThrowsError(try TemplateRenderer.render(.string("Hi {{ nothing }}!"), context: context), "null spliced into text as \"\"")
        XCTAssertEqual(try TemplateRenderer.render(json(#"{"a": "{{ absent | optional | trim }}"}"#), context: context), .object([:]))
    }

    func testFilterArgumentsAreChecked() {
        assertFails("name | lowr", "unknown filter 'lowr'")
        assertFails("name | lower:'x'", "filter 'lower' takes no argument")
        assertFails("name | optional:1", "filter 'optional' takes no argument")
        assertFails("csv | split", "filter 'split' needs an argument, e.g. split:','")
        assertFails("csv | split:1", "filter 'split' needs a quoted separator, e.g. split:','")
        assertFails("tags | join:true", "filter 'join' needs a quoted separator, e.g. join:','")
        assertFails("name | default", "filter 'default' needs an argument, e.g. default:','")
        assertFails("name | concat", "filter 'concat' needs an argument, e.g. concat:','")
    }

    func testFilterFailureNamesFieldAndPath() {
        XCTAssertThrowsError(try TemplateRenderer.render(json(#"{"body": {"x": "{{ name | first }}"}}"#), context: context)) { error in
            XCTAssertEqual(error as? TemplateError, TemplateError(field: "body.x", path: "name", message: "first needs a list, got text"))
        }
    }
}
