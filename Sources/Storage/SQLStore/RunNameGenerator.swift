/// Random run names in MLflow's style, "adjective-noun-NNN" (at most 20 characters).
enum RunNameGenerator {
    static func generate() -> String {
        var name = ""
        // Like MLflow: retry a few times for a short enough name, then truncate.
        for _ in 0..<10 {
            let adjective = adjectives.randomElement() ?? "quiet"
            let noun = nouns.randomElement() ?? "fox"
            name = "\(adjective)-\(noun)-\(Int.random(in: 0...1000))"
            if name.count <= 20 { return name }
        }
        return String(name.prefix(20))
    }

    static let adjectives = [
        "amber", "bold", "brave", "bright", "calm", "clever", "cosmic", "crisp", "curious", "dapper",
        "eager", "elegant", "fancy", "fearless", "gentle", "gifted", "glowing", "golden", "graceful", "happy",
        "honest", "humble", "jolly", "keen", "kind", "lively", "lucky", "merry", "mighty", "misty",
        "nimble", "noble", "patient", "polite", "proud", "quick", "quiet", "rare", "restful", "rustic",
        "serene", "sharp", "shiny", "silent", "smooth", "steady", "sunny", "swift", "tidy", "vivid",
        "warm", "wise", "witty", "zesty",
    ]

    static let nouns = [
        "ant", "badger", "bass", "bat", "bear", "bee", "bird", "boar", "carp", "cat",
        "colt", "crab", "crane", "crow", "deer", "dove", "eel", "elk", "finch", "fox",
        "frog", "gnat", "goat", "hare", "hawk", "heron", "horse", "jay", "koala", "lark",
        "lion", "lynx", "mole", "moth", "mouse", "newt", "otter", "owl", "panda", "quail",
        "ram", "robin", "seal", "shrew", "sloth", "snail", "squid", "stork", "swan", "toad",
        "trout", "whale", "wolf", "wren",
    ]
}
