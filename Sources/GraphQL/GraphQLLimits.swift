/// The size limits every operation of a document must keep before anything is validated or run
/// (MLflow's `check_query_safety`): depth, total selections, root fields and aliases per level,
/// counted with fragments spread in place, so no request can ask for unbounded work.
enum GraphQLLimits {
    static let maxDepth = 10
    static let maxSelections = 1000
    static let maxRootFields = 10
    static let maxAliases = 10

    /// Why `document` is too big, or nil when it is within the limits.
    static func problem(_ document: GraphQLDocument) -> String? {
        var rootFields = 0
        var aliases = 0
        var selections = 0
        for operation in document.operations {
            var stack: [([GraphQLSelection], Int, Set<String>)] = [(operation.selections, 1, [])]
            while let (set, depth, visited) = stack.popLast() {
                if depth > maxDepth { return "Query exceeds maximum depth of \(maxDepth)" }
                let (fields, levelAliases, seen) = collect(set, document, visited)
                for field in fields {
                    if depth == 1 { rootFields += 1 }
                    if !field.selections.isEmpty { stack.append((field.selections, depth + 1, seen)) }
                    selections += 1
                    if selections > maxSelections { return "Query exceeds maximum total selections of \(maxSelections)" }
                }
                aliases = max(aliases, levelAliases)
            }
        }
        if rootFields > maxRootFields {
            return "GraphQL queries should have at most \(maxRootFields) root fields, got \(rootFields) root fields."
        }
        if aliases > maxAliases {
            return "GraphQL queries should have at most \(maxAliases) aliases, got \(aliases) aliases."
        }
        return nil
    }

    /// The fields of one level, fragments merged in (each fragment once, so cycles end), and its alias count.
    private static func collect(_ selections: [GraphQLSelection], _ document: GraphQLDocument,
                                _ visited: Set<String>) -> ([GraphQLField], Int, Set<String>) {
        var fields: [GraphQLField] = []
        var aliases = 0
        var seen = visited
        var queue = selections[...]
        var pending: [GraphQLSelection] = []
        while true {
            let next: GraphQLSelection
            if let first = queue.popFirst() { next = first } else if !pending.isEmpty { next = pending.removeFirst() } else { break }
            switch next {
            case .field(let field):
                fields.append(field)
                if field.alias != nil { aliases += 1 }
            case .inlineFragment(_, _, let inner):
                pending.append(contentsOf: inner)
            case .fragmentSpread(let name, _):
                if seen.insert(name).inserted, let fragment = document.fragments[name] {
                    pending.append(contentsOf: fragment.selections)
                }
            }
        }
        return (fields, aliases, seen)
    }
}
