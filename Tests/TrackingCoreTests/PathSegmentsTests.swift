import Testing
import TrackingCore

/// Break-in review 2: `String.split(separator: "/")` hid a `..` segment behind a combining mark
/// (`../\u{301}Q`) or a Prepend character (`b\u{600}/..`), and `==` took canonically equal names
/// for one. Paths are split and compared by bytes.
@Suite("Path segments by bytes")
struct PathSegmentsTests {
    @Test func aSlashIsASeparatorWhateverFollowsOrPrecedesIt() {
        #expect("../\u{301}Q".split(separator: "/").count == 1)   // what Swift's split saw
        #expect(PathSegments.split("../\u{301}Q") == ["..", "\u{301}Q"])
        #expect(PathSegments.split("b\u{600}/../x") == ["b\u{600}", "..", "x"])
        #expect(PathSegments.climbs("../\u{301}Q"))
        #expect(PathSegments.climbs("b\u{600}/../x"))
        #expect(!PathSegments.climbs("a/..b/c"))
        #expect(PathSegments.climbs("a/./b", orDot: true) && !PathSegments.climbs("a/./b"))
        #expect(PathSegments.split("/a//b/", omittingEmpty: false) == ["", "a", "", "b", ""])
    }

    @Test func namesAreTheSameOnlyByteForByte() {
        #expect("caf\u{E9}" == "cafe\u{301}")   // what Swift's == says
        #expect(!PathSegments.same("caf\u{E9}", "cafe\u{301}"))
        #expect(PathSegments.isWithin("a/b", directory: "a") && PathSegments.isWithin("a", directory: "a"))
        #expect(!PathSegments.isWithin("ab", directory: "a"))
        #expect(!PathSegments.isWithin("cafe\u{301}/x", directory: "caf\u{E9}"))
        #expect(!PathSegments.isWithin("a/\u{301}x", directory: "a/\u{301}"))
        #expect(PathSegments.isWithin("/root/x", directory: "/root/") && PathSegments.isWithin("/x", directory: "/"))
    }

    @Test func parentAndLastCutAtTheLastSlashByte() {
        #expect(PathSegments.parent("/srv/d\u{600}/f.txt") == "/srv/d\u{600}")
        #expect(PathSegments.last("/srv/d\u{600}/f.txt") == "f.txt")
        #expect(PathSegments.parent("/srv/d\u{600}") == "/srv")
        #expect(PathSegments.parent("/srv") == "/" && PathSegments.parent("srv") == "")
        #expect(PathSegments.last("/srv/x/") == "x")
    }
}
