import Foundation
import Testing
import TrackingCore

@Suite("Random ids")
struct RandomIDTests {
    @Test func hexIdsAreVersionFourUUIDsWithoutDashes() {
        let ids = (0..<2_000).map { _ in RandomID.uuid4Hex() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.utf8.count == 32)
            #expect(id.allSatisfy { "0123456789abcdef".contains($0) })
            let characters = Array(id)
            #expect(characters[12] == "4")
            #expect("89ab".contains(characters[16]))
        }
    }

    @Test func canonicalIdsParseAsUUIDs() {
        for _ in 0..<500 {
            let id = RandomID.uuid4()
            #expect(id.utf8.count == 36)
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
            #expect(id.replacingOccurrences(of: "-", with: "").utf8.count == 32)
        }
    }
}
