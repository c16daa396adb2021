/// A dotted path split once, as `JSONValue[path:]` splits it, with each step's array index.
struct JSONPathSteps: Sendable {
    let keys: [String]
    let utf8: [[UInt8]]
    let indices: [Int?]

    init(_ path: String) {
        keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        utf8 = keys.map { Array($0.utf8) }
        indices = keys.map { Int($0) }
    }
}
