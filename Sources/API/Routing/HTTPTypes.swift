import HTTPTransport

// The transport's request and response, named so that the artifact stores' HTTP client (which has
// types of the same names) can never make them ambiguous in this target.
typealias HTTPRequest = HTTPTransport.HTTPRequest
typealias HTTPResponse = HTTPTransport.HTTPResponse
