#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file, unmapped when released.
final class GGUFMappedFile: @unchecked Sendable {
    /// Start of the mapping.
    let base: UnsafeRawPointer
    /// File size in bytes.
    let size: Int

    init(path: String) throws(GGUFError) {
        let fd: Int32 = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, errno: errno) }
        defer { _ = close(fd) }
        var info: stat = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError.cannotOpen(path: path, errno: errno) }
        let size: Int = Int(info.st_size)
        guard size >= 4 else { throw GGUFError.truncated(needed: 4, offset: 0, fileSize: size) }
        guard let mapped: UnsafeMutableRawPointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
            mapped != MAP_FAILED
        else { throw GGUFError.cannotOpen(path: path, errno: errno) }
        self.base = UnsafeRawPointer(mapped)
        self.size = size
    }

    deinit {
        _ = munmap(UnsafeMutableRawPointer(mutating: base), size)
    }
}
