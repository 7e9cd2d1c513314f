/// One numbered, forward-only schema step; its statements run in one transaction.
public struct Migration: Sendable {
    public let version: Int
    public let statements: [String]

    public init(version: Int, statements: [String]) {
        self.version = version
        self.statements = statements
    }
}

/// The registered migrations of the tracking schema, in order. Append; never edit a shipped one.
public enum TrackingMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, statements: Schema001.statements),
        Migration(version: 2, statements: Schema002.statements),
        Migration(version: 3, statements: Schema003.statements),
        Migration(version: 4, statements: Schema004.statements),
        Migration(version: 5, statements: Schema005.statements),
    ]
}
