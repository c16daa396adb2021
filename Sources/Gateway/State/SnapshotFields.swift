import Wire

/// The few field shapes snapshots store beyond words, read from a `WireCursor` (nil when
/// the bytes run out) and written with `WireWriter`.
enum SnapshotFields {
    static func string(_ r: inout WireCursor) -> String? {
        r.blob().map { String(decoding: $0, as: UTF8.self) }
    }

    static func bytes(_ r: inout WireCursor) -> [UInt8]? {
        r.blob().map { Array($0) }
    }

    static func optionalString(_ r: inout WireCursor) -> String?? {
        switch r.u8() {
        case 0: return .some(nil)
        case 1: return string(&r).map { .some($0) }
        default: return nil
        }
    }

    static func optionalInt(_ r: inout WireCursor) -> Int64?? {
        switch r.u8() {
        case 0: return .some(nil)
        case 1: return r.i64().map { .some($0) }
        default: return nil
        }
    }

    static func write(_ v: Int64?, to w: inout WireWriter) {
        w.u8(v == nil ? 0 : 1)
        if let v { w.i64(v) }
    }
}
