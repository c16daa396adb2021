/// `withUnsafeBytes` is `rethrows`, which erases `LogError` to `any Error`.
/// These keep the error type, so the I/O paths can use typed throws throughout.
extension Array where Element == UInt8 {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(LogError) -> R) throws(LogError) -> R {
        let result: Result<R, LogError> = withUnsafeBytes { raw in
            do throws(LogError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(LogError) -> R) throws(LogError) -> R {
        let result: Result<R, LogError> = withUnsafeMutableBytes { raw in
            do throws(LogError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
