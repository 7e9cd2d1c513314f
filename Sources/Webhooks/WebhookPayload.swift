public import Foundation
public import JSON
public import TrackingCore

/// The bodies MLflow sends (mlflow/webhooks/types.py and delivery.py): `{"entity", "action",
/// "timestamp", "data"}`, written as Python's `json.dumps` does by default (`", "` and `": "`
/// separators, keys in order, non-ASCII escaped), since receivers verify the signature over these bytes.
public enum WebhookPayload {
    /// The envelope around `data` for `event`, at `date` (ISO 8601 with microseconds and `+00:00`).
    public static func body(event: WebhookEvent, data: JSONValue, date: Date = Date()) -> String {
        dumps(.object([
            ("entity", .string(event.entity.rawValue)),
            ("action", .string(event.action.rawValue)),
            ("timestamp", .string(isoTimestamp(date))),
            ("data", data),
        ]))
    }

    /// Python's `datetime.now(timezone.utc).isoformat()`.
    public static func isoTimestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros.quotientAndRemainder(dividingBy: 1_000_000)
        var time = time_t(seconds.quotient)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = seconds.remainder == 0 ? "" : "." + pad(Int32(seconds.remainder), 6)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))\(fraction)+00:00"
    }

    /// Python's `json.dumps(value)` with its defaults.
    public static func dumps(_ value: JSONValue) -> String { PythonFormatting.jsonDumps(value) }

    /// MLflow's `example()` payload of each registry event (what `test` sends).
    public static func example(for event: WebhookEvent) -> JSONValue? {
        let tags = JSONValue.object([("example_key", .string("example_value"))])
        switch (event.entity, event.action) {
        case (.registeredModel, .created):
            return .object([("name", .string("example_model")), ("tags", tags),
                            ("description", .string("An example registered model"))])
        case (.modelVersion, .created):
            return .object([("name", .string("example_model")), ("version", .string("1")), ("source", .string("models:/123")),
                            ("run_id", .string("abcd1234abcd5678")), ("tags", tags),
                            ("description", .string("An example model version"))])
        case (.modelVersionTag, .set):
            return .object([("name", .string("example_model")), ("version", .string("1")),
                            ("key", .string("example_key")), ("value", .string("example_value"))])
        case (.modelVersionTag, .deleted):
            return .object([("name", .string("example_model")), ("version", .string("1")), ("key", .string("example_key"))])
        case (.modelVersionAlias, .created):
            return .object([("name", .string("example_model")), ("alias", .string("example_alias")), ("version", .string("1"))])
        case (.modelVersionAlias, .deleted):
            return .object([("name", .string("example_model")), ("alias", .string("example_alias"))])
        default:
            return nil
        }
    }
}
