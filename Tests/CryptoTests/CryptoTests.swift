import Crypto
import Testing

@Suite struct CryptoTests {
    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hmacSHA256RFC4231() {
        // RFC 4231, test case 2.
        let mac = HMACSHA256.authenticationCode(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 1: key of twenty 0x0b bytes.
        let mac1 = HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: "Hi There")
        #expect(Hex.encode(mac1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func md5KnownAnswer() {
        #expect(Hex.encode(MD5.hash(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    }
}
