extension Validation {
    /// An assessment as `createAssessment` stores it: a name within MLflow's 250 characters, a known
    /// source type, ids within their columns.
    public static func validatedAssessment(_ assessment: Assessment) throws(MLflowError) -> Assessment {
        guard !assessment.name.isEmpty else { throw .invalidParameter(missingValue("assessment_name")) }
        try checkLength("assessment_name", maxEntityKeyLength, assessment.name)
        guard Assessment.sourceTypes.contains(assessment.sourceType) else {
            throw .invalidParameter("Invalid assessment source type '\(assessment.sourceType)'. Valid values are "
                                    + "\(["CODE", "HUMAN", "LLM_JUDGE", "SOURCE_TYPE_UNSPECIFIED"]).")
        }
        try checkLength("assessment_id", maxTraceIdLength, assessment.assessmentId)
        if let spanId = assessment.spanId { try checkLength("span_id", maxTraceIdLength, spanId) }
        if let overrides = assessment.overrides { try checkLength("overrides", maxTraceIdLength, overrides) }
        if let sourceId = assessment.sourceId { try checkLength("source_id", maxEntityKeyLength, sourceId) }
        if let runId = assessment.runId { try checkLength("run_id", 32, runId) }
        return assessment
    }

    public static func validatedAssessmentUpdate(_ update: AssessmentUpdate) throws(MLflowError) -> AssessmentUpdate {
        if let name = update.name {
            guard !name.isEmpty else { throw .invalidParameter(missingValue("assessment_name")) }
            try checkLength("assessment_name", maxEntityKeyLength, name)
        }
        return update
    }
}
