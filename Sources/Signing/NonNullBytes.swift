/// A byte region whose base pointer is never nil.
///
/// An empty Swift array may hand out a nil base address, and some OpenSSL entry
/// points treat a NULL key or message differently from a zero-length one.
struct NonNullBytes {
    let base: UnsafePointer<UInt8>
    let count: Int
}

extension Array where Element == UInt8 {
    func withNonNullBytes<R>(_ body: (NonNullBytes) -> R) -> R {
        withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                return body(NonNullBytes(base: base, count: buffer.count))
            }
            return withUnsafePointer(to: UInt8(0)) { placeholder in
                body(NonNullBytes(base: placeholder, count: 0))
            }
        }
    }
}
