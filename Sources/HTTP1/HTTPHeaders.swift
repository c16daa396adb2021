/// Request or response header fields in arrival order. Names are stored lowercased
/// (HTTP names are case-insensitive), so lookups are plain comparisons.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0.lowercased(), value: $0.1) }
    }

    init(lowercased fields: [(name: String, value: String)]) { self.fields = fields }

    /// The first value for `name`.
    public subscript(_ name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name == key }?.value
    }

    /// The first value for `name`, and whether another field of that name follows it.
    public func firstAndRepeated(_ name: String) -> (value: String?, repeated: Bool) {
        let key = name.lowercased()
        guard let first = fields.firstIndex(where: { $0.name == key }) else { return (nil, false) }
        let repeated = fields[(first + 1)...].contains { $0.name == key }
        return (fields[first].value, repeated)
    }

    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name == key }.map(\.value)
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name.lowercased(), value: value))
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}
