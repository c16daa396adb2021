/// Header values may be credentials and a URL's query may carry a token, so the printed
/// form of a config names only the subscriber, its types and the header names.
extension SubscriberConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let names = (headers ?? [:]).keys.sorted().joined(separator: ",")
        return "SubscriberConfig(\(id), types: \(types), headers: [\(names)])"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["id": id, "types": types]) }
}
