public import JSON

/// MLflow 3's `Assessment` of a trace: feedback (a judgement, with an optional error and
/// rationale) or an expectation (the ground truth), by a human, an LLM judge or code. An
/// assessment may override an earlier one of the same trace, which is then marked invalid.
public struct Assessment: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case feedback
        case expectation
    }

    public var assessmentId: String
    public var traceId: String
    public var name: String
    public var kind: Kind
    /// Any JSON value (`google.protobuf.Value` on the wire).
    public var value: JSONValue
    /// A feedback's error: `error_code`, `error_message`, `stack_trace` (as MLflow keeps it).
    public var error: AssessmentError?
    public var sourceType: String
    public var sourceId: String?
    public var runId: String?
    public var spanId: String?
    public var rationale: String?
    /// The id of the assessment this one replaces.
    public var overrides: String?
    public var valid: Bool
    public var metadata: [Tag]
    /// Epoch milliseconds.
    public var createTime: Int64
    public var lastUpdateTime: Int64

    public init(assessmentId: String, traceId: String, name: String, kind: Kind, value: JSONValue,
                error: AssessmentError? = nil, sourceType: String, sourceId: String? = nil, runId: String? = nil,
                spanId: String? = nil, rationale: String? = nil, overrides: String? = nil, valid: Bool = true,
                metadata: [Tag] = [], createTime: Int64, lastUpdateTime: Int64) {
        self.assessmentId = assessmentId
        self.traceId = traceId
        self.name = name
        self.kind = kind
        self.value = value
        self.error = error
        self.sourceType = sourceType
        self.sourceId = sourceId
        self.runId = runId
        self.spanId = spanId
        self.rationale = rationale
        self.overrides = overrides
        self.valid = valid
        self.metadata = metadata
        self.createTime = createTime
        self.lastUpdateTime = lastUpdateTime
    }

    /// `AssessmentSource.SourceType`'s names.
    public static let sourceTypes: Set<String> = ["SOURCE_TYPE_UNSPECIFIED", "HUMAN", "LLM_JUDGE", "CODE"]
}

/// `AssessmentError`.
public struct AssessmentError: Sendable, Equatable {
    public var errorCode: String?
    public var errorMessage: String?
    public var stackTrace: String?

    public init(errorCode: String? = nil, errorMessage: String? = nil, stackTrace: String? = nil) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }
}

/// What `update-assessment` may change: the rest (source, span, trace, kind) is immutable.
public struct AssessmentUpdate: Sendable, Equatable {
    public var name: String?
    /// A new value for a feedback (with its error) or an expectation; which one the request named.
    public var feedback: (value: JSONValue, error: AssessmentError?)?
    public var expectation: JSONValue?
    public var rationale: String?
    /// Merged into the existing metadata, the new values winning.
    public var metadata: [Tag]?

    public init(name: String? = nil, feedback: (value: JSONValue, error: AssessmentError?)? = nil,
                expectation: JSONValue? = nil, rationale: String? = nil, metadata: [Tag]? = nil) {
        self.name = name
        self.feedback = feedback
        self.expectation = expectation
        self.rationale = rationale
        self.metadata = metadata
    }

    public static func == (lhs: AssessmentUpdate, rhs: AssessmentUpdate) -> Bool {
        lhs.name == rhs.name && lhs.feedback?.value == rhs.feedback?.value && lhs.feedback?.error == rhs.feedback?.error
            && lhs.expectation == rhs.expectation && lhs.rationale == rhs.rationale && lhs.metadata == rhs.metadata
    }
}
