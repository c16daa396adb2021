import Routing

/// The bytes a subscriber receives: `{"type":...,"timestamp":"<ISO 8601>","data":...}`,
/// compact, fields in that order so a person reading a captured request sees the type first.
public enum NotificationBody {
    public static func encode(_ n: Notification) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        out.append(contentsOf: #"{"type":"#.utf8)
        out.append(contentsOf: JSONValue.string(n.type).serialized())
        out.append(contentsOf: #","timestamp":""#.utf8)
        out.append(contentsOf: ISO8601Milliseconds.format(n.timestamp).utf8)
        out.append(contentsOf: #"","data":"#.utf8)
        out.append(contentsOf: n.dataJSON)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
