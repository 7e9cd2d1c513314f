import HTTPTransport

/// The HTML pages MLflow's Flask app answers unknown routes and wrong methods with.
enum FlaskErrorPages {
    static let notFound = HTTPResponse.html("""
        <!doctype html>
        <html lang=en>
        <title>404 Not Found</title>
        <h1>Not Found</h1>
        <p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>

        """, status: 404)

    static func methodNotAllowed(allowed: [String]) -> HTTPResponse {
        var methods = Set(allowed)
        if methods.contains("GET") { methods.insert("HEAD") }
        methods.insert("OPTIONS")
        var response = HTTPResponse.html("""
            <!doctype html>
            <html lang=en>
            <title>405 Method Not Allowed</title>
            <h1>Method Not Allowed</h1>
            <p>The method is not allowed for the requested URL.</p>

            """, status: 405)
        response.headers.append((name: "Allow", value: methods.sorted().joined(separator: ", ")))
        return response
    }
}
