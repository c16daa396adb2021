import Glibc

/// A segment's first `length` bytes mapped read-only: scans of whole segments (recovery, a
/// restart's fold) read the page cache in place instead of copying a gigabyte through
/// `read`. Only durable bytes are mapped, and segments are cut short only while no reader
/// exists (recovery, offline truncation), so a mapped page never vanishes under a reader.
final class SegmentMapping: @unchecked Sendable {  // read-only pages, never written after init
    let bytes: UnsafeRawBufferPointer

    init(path: String, length: Int) throws(LogError) {
        guard length > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { FileIO.close(fd) }
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw FileIO.fail("mmap", path)
        }
        _ = madvise(address, length, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: address, count: length)
    }

    deinit {
        if let start = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: start), bytes.count) }
    }
}
