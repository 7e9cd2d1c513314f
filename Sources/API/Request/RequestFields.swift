import HTTPTransport
import JSON
import TrackingCore

/// The fields of a request message, read from the JSON body or, for a GET with a query string,
/// from the query (as MLflow's `_get_request_message` does), with MLflow's type checks and messages.
struct RequestFields {
    private let members: [(String, JSONValue)]
    /// Query values are text: numbers and booleans in them are parsed from strings.
    let isFromQuery: Bool
    /// Every value of each query parameter, in order (a repeated field's elements).
    private let queryLists: [String: [String]]

    init(members: [(String, JSONValue)], fromQuery: Bool = false, queryLists: [String: [String]] = [:]) {
        self.members = members
        self.isFromQuery = fromQuery
        self.queryLists = queryLists
    }

    /// Every value a query gave `name`, nil for a JSON body.
    func queryList(_ name: String) -> [String]? {
        isFromQuery ? queryLists[name] : nil
    }

    /// Builds the fields of `request`. From a query, a name given several times is a list to
    /// `stringList` and its first value to everything else.
    static func from(_ request: HTTPRequest) throws(MLflowError) -> RequestFields {
        if request.method == "GET" || request.method == "HEAD", !request.rawQuery.isEmpty {
            return fromQuery(request)
        }
        if request.method == "POST" || request.method == "PUT" {
            guard let contentType = request.header("content-type") else {
                throw .invalidParameter("Bad Request. Content-Type header is missing.")
            }
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingWhitespace() } ?? ""
            guard mediaType == "application/json" else {
                throw .invalidParameter("Bad Request. Content-Type must be one of ['application/json'].")
            }
        }
        return RequestFields(members: try Self.bodyMembers(request.body))
    }

    /// The fields of the query string alone (the body is not read).
    static func fromQuery(_ request: HTTPRequest) -> RequestFields {
        var members: [(String, JSONValue)] = []
        var lists: [String: [String]] = [:]
        for item in request.queryItems {
            if lists[item.name] == nil { members.append((item.name, .string(item.value))) }
            lists[item.name, default: []].append(item.value)
        }
        return RequestFields(members: members, fromQuery: true, queryLists: lists)
    }

    /// A body that is not a JSON object reads as empty (MLflow's `get_json(silent=True)`);
    /// a JSON string holding an object is decoded once more, as MLflow does for old clients.
    /// A body of more than `maxBodyValues` JSON values is refused before it is built: a 63 MB body
    /// of `[0]`s became 1.7 GB of values (break-in review of issue 24). The largest bodies clients
    /// send hold far fewer (a 1,000-metric log-batch ~5,000; dataset records travel as one string
    /// with a budget of their own; OTLP has its own parser).
    private static func bodyMembers(_ body: [UInt8]) throws(MLflowError) -> [(String, JSONValue)] {
        guard !body.isEmpty else { return [] }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, maxValues: maxBodyValues)
        } catch {
            if error.isValueBudget { throw tooManyValues }
            return []
        }
        switch value {
        case .object(let members): return members
        case .string(let text):
            do {
                if case .object(let members) = try JSONParser.parse(text, maxValues: maxBodyValues) { return members }
            } catch {
                if error.isValueBudget { throw tooManyValues }
            }
            return []
        default: return []
        }
    }

    static let maxBodyValues = 1_000_000
    static let tooManyValues = MLflowError.invalidParameter(
        "The request body holds more than \(maxBodyValues) JSON values, more than any request of this API needs.")

    func raw(_ name: String) -> JSONValue? {
        // The first of a query's values, the last of a JSON object's duplicates (as the parsers keep them).
        isFromQuery ? members.first(where: { $0.0 == name })?.1 : members.last(where: { $0.0 == name })?.1
    }

    func has(_ name: String) -> Bool { raw(name) != nil }

    static func typeError(_ name: String, _ value: JSONValue) -> MLflowError {
        // MLflow echoes the value whole; past 1,000 characters only its start (a body may be 64 MB).
        var shown = PythonFormatting.jsonDumps(value, compactSorted: true)
        if shown.count > 1_000 { shown = String(shown.prefix(1_000)) + "..." }
        return .invalidParameter(Validation.invalidValue(name, shown,
                                                  " Hint: Value was of type '\(PythonFormatting.typeName(value))'.")
                          + " See the API docs for more information about request parameters.")
    }

    static func missing(_ name: String) -> MLflowError {
        .invalidParameter(Validation.missingValue(name) + " See the API docs for more information about request parameters.")
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
