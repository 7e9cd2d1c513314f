/// Names for the request and response types that stay unambiguous in modules which also import
/// another `HTTPRequest` (the module name `HTTPServer` is shadowed by the class of that name).
public typealias HTTPServerRequest = HTTPRequest
public typealias HTTPServerResponse = HTTPResponse
