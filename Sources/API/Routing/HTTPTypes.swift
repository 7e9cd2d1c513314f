import HTTPServer

// The server's request and response types, named so that no other imported module's HTTP types
// (the artifact stores' HTTP client has its own) can make these names ambiguous in this target.
typealias HTTPRequest = HTTPServerRequest
typealias HTTPResponse = HTTPServerResponse
