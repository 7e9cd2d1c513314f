import CMalloc
import Foundation
@testable import SwiftrackCommands
import Testing

/// `MemoryPolicy`: however many threads allocate at once, no arena is added past two. (The test
/// process may hold more from before the policy applied: glibc keeps arenas once made.)
@Suite("Memory policy")
struct MemoryPolicyTests {
    /// The arenas glibc reports (`<heap nr=...>` elements of malloc_info's XML).
    private func arenaCount() -> Int {
        var buffer: UnsafeMutablePointer<CChar>?
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { return -1 }
        _ = malloc_info(0, stream)
        fclose(stream)
        defer { free(buffer) }
        guard let buffer else { return -1 }
        return String(cString: buffer).components(separatedBy: "<heap nr=").count - 1
    }

    @Test func manyThreadsAllocatingAtOnceAddNoArenaPastTwo() {
        MemoryPolicy.apply()
        let before = arenaCount()
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<16 {
            group.enter()
            Thread {
                start.wait()
                var blocks: [UnsafeMutableRawPointer?] = []
                for size in 0..<2_000 { blocks.append(malloc(64 + size % 512)) }
                for block in blocks { free(block) }
                group.leave()
            }.start()
        }
        for _ in 0..<16 { start.signal() }
        group.wait()
        let after = arenaCount()
        #expect(before >= 1 && after <= max(before, Int(MemoryPolicy.arenas)), "\(before) -> \(after) arenas")
    }
}
