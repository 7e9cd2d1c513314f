/// Command-line flags of the form `--name value` or `--name=value`, with environment twins.
struct Arguments {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positional: [String] = []

    /// Parses `arguments`; `booleanFlags` take no value.
    init(_ arguments: [String], booleanFlags: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { positional.append(argument); continue }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                values[String(body[..<equals])] = String(body[body.index(after: equals)...])
            } else if booleanFlags.contains(String(body)) {
                flags.insert(String(body))
            } else {
                guard index < arguments.count else { throw UsageError("--\(body) needs a value") }
                values[String(body)] = arguments[index]
                index += 1
            }
        }
    }

    /// The flag's value, else the first environment variable set, else nil.
    func value(_ name: String, environment: [String: String], variables: [String]) -> String? {
        if let value = values[name] { return value }
        for variable in variables { if let value = environment[variable], !value.isEmpty { return value } }
        return nil
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// A mistake in how the command was called; printed with the usage text.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
