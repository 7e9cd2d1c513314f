import Testing
@testable import Auth

@Suite("Browser sign-in pieces")
struct BrowserSignInTests {
    @Test func signedCookiesOpenOnlyUnchangedAndUnexpired() {
        let cookies = SignedCookie(secret: Array("a-secret-of-at-least-32-characters!!".utf8))
        let value = cookies.seal([("user", "ada"), ("next", "/x;y=\"z\"")], expires: 2_000)
        #expect(cookies.open(value, now: 1_999) == ["user": "ada", "next": "/x;y=\"z\""])
        #expect(cookies.open(value, now: 2_000) == nil)
        #expect(SignedCookie(secret: Array("another-secret-of-32-characters!!!!".utf8)).open(value, now: 1) == nil)
        let parts = value.split(separator: ".").map(String.init)
        let other = cookies.seal([("user", "admin")], expires: 2_000).split(separator: ".").map(String.init)
        #expect(cookies.open(other[0] + "." + parts[1], now: 1) == nil)   // a payload under another's MAC
        for junk in ["", ".", "abc", "a.b.c", String(repeating: "x", count: 5000)] { #expect(cookies.open(junk, now: 1) == nil) }
    }

    @Test func onlyPathsOfThisServerAreReturnedTo() {
        #expect(BrowserSignIn.safeReturnPath("/api/2.0/x?y=1") == "/api/2.0/x?y=1")
        for unsafe in ["//evil.example", "/\\evil.example", "https://evil.example", "evil", "", "/a\nSet-Cookie: x"] {
            #expect(BrowserSignIn.safeReturnPath(unsafe) == "/")
        }
    }

    @Test func formsArePercentEncoded() {
        #expect(BrowserSignIn.formEncode([("redirect_uri", "https://h/cb?x=1"), ("scope", "openid profile"), ("k", "ü~")])
            == "redirect_uri=https%3A%2F%2Fh%2Fcb%3Fx%3D1&scope=openid%20profile&k=%C3%BC~")
    }
}
