import HTTPServer
import JSON
import TrackingCore

/// The fields of a request message, read from the JSON body or, for a GET with a query string,
/// from the query (as MLflow's `_get_request_message` does), with MLflow's type checks and messages.
struct RequestFields {
    private let members: [(String, JSONValue)]
    /// Query values are text: numbers and booleans in them are parsed from strings.
    let isFromQuery: Bool

    init(members: [(String, JSONValue)], fromQuery: Bool = false) {
        self.members = members
        self.isFromQuery = fromQuery
    }

    /// Builds the fields of `request`; `repeated` names the fields that are lists in the message.
    static func from(_ request: HTTPRequest, repeated: Set<String> = []) throws(MLflowError) -> RequestFields {
        if request.method == "GET" || request.method == "HEAD", !request.rawQuery.isEmpty {
            var members: [(String, JSONValue)] = []
            for item in request.queryItems {
                if repeated.contains(item.name) {
                    if let index = members.firstIndex(where: { $0.0 == item.name }), case .array(var list) = members[index].1 {
                        list.append(.string(item.value))
                        members[index].1 = .array(list)
                    } else {
                        members.append((item.name, .array([.string(item.value)])))
                    }
                } else if !members.contains(where: { $0.0 == item.name }) {
                    members.append((item.name, .string(item.value)))
                }
            }
            return RequestFields(members: members, fromQuery: true)
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
        return RequestFields(members: Self.bodyMembers(request.body))
    }

    /// A body that is not a JSON object reads as empty (MLflow's `get_json(silent=True)`);
    /// a JSON string holding an object is decoded once more, as MLflow does for old clients.
    private static func bodyMembers(_ body: [UInt8]) -> [(String, JSONValue)] {
        guard !body.isEmpty, let value = try? JSONParser.parse(body) else { return [] }
        switch value {
        case .object(let members): return members
        case .string(let text):
            if case .object(let members)? = try? JSONParser.parse(text) { return members }
            return []
        default: return []
        }
    }

    func raw(_ name: String) -> JSONValue? {
        members.last(where: { $0.0 == name })?.1
    }

    func has(_ name: String) -> Bool { raw(name) != nil }

    static func typeError(_ name: String, _ value: JSONValue) -> MLflowError {
        .invalidParameter(Validation.invalidValue(name, PythonJSON.dumps(value),
                                                  " Hint: Value was of type '\(PythonJSON.typeName(value))'.")
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
