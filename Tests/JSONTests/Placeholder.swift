import Testing
@testable import JSON
@Test func placeholder() { #expect(true) }
