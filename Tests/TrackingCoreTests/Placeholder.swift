import Testing
@testable import TrackingCore
@Test func placeholder() { #expect(true) }
