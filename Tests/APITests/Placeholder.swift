import Testing
@testable import API
@Test func placeholder() { #expect(true) }
