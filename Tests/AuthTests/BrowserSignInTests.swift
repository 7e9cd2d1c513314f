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
        for safe in ["/", "/api/2.0/x?y=1", "/#/experiments/1", "/%09/evil.example", "/a%20b", "/.//x"] {
            #expect(BrowserSignIn.safeReturnPath(safe) == safe)
        }
        for unsafe in ["//evil.example", "/\\evil.example", "https://evil.example", "evil", "", "/a\nSet-Cookie: x",
                       "javascript:alert(1)", "\\\\evil.example", " //evil.example"] {
            #expect(BrowserSignIn.safeReturnPath(unsafe) == "/", "\(unsafe.debugDescription)")
        }
        let long = "/" + String(repeating: "a", count: BrowserSignIn.maxReturnPathLength)
        #expect(BrowserSignIn.safeReturnPath(long) == "/")
    }

    /// Issue 20, hole 12: a browser drops tabs and newlines inside a URL, so `/<tab>/evil` is
    /// `//evil`, another host. No control character or whitespace passes, wherever it is.
    @Test func controlCharactersAndWhitespaceAnywhereAreRefused() {
        for unsafe in ["/\t/evil.example", "/\r/evil.example", "/\n/evil.example", "/\u{0B}/evil.example",
                       "/\u{0C}/evil.example", "/\u{0}/evil.example", "/ /evil.example", "/x\ty", "/x y", "/x\u{7F}",
                       "/x\u{85}", "/x\u{A0}", "/x\u{2028}", "/x\u{3000}", "/x\u{200B}", "/x\u{FEFF}", "/x\t"] {
            #expect(BrowserSignIn.safeReturnPath(unsafe) == "/", "\(unsafe.debugDescription)")
        }
        // The resolution check alone, as a browser would read each reference.
        for elsewhere in ["/\t/evil.example", "\t//evil.example", "/\n\\evil.example", " \\\\evil.example", "https://x", "x"] {
            #expect(!BrowserSignIn.resolvesToSameOrigin(elsewhere), "\(elsewhere.debugDescription)")
        }
        for here in ["/x", "\\x", " /x\t", "/x//y"] {
            #expect(BrowserSignIn.resolvesToSameOrigin(here), "\(here.debugDescription)")
        }
    }

    @Test func formsArePercentEncoded() {
        #expect(BrowserSignIn.formEncode([("redirect_uri", "https://h/cb?x=1"), ("scope", "openid profile"), ("k", "ü~")])
            == "redirect_uri=https%3A%2F%2Fh%2Fcb%3Fx%3D1&scope=openid%20profile&k=%C3%BC~")
    }
}
