import Testing
import TrackingCore
@testable import Artifacts
import Crypto

@Suite struct AzureConfigurationTests {
    static let keyText = AzureBlobStandIn.key
    static var key: [UInt8] { Base64.decode(keyText) ?? [] }

    @Test func locationParsing() throws {
        #expect(try AzureBlobLocation(uri: "wasbs://models@acct.blob.core.windows.net/exp/1/")
                == AzureBlobLocation(account: "acct", container: "models", prefix: "exp/1"))
        #expect(try AzureBlobLocation(uri: "wasbs://models@acct.blob.core.windows.net")
                == AzureBlobLocation(account: "acct", container: "models", prefix: ""))
        #expect(try AzureBlobLocation(uri: "https://acct.blob.core.windows.net/models/exp/1")
                == AzureBlobLocation(account: "acct", container: "models", prefix: "exp/1"))
        let china = try AzureBlobLocation(uri: "wasbs://c@acct.blob.core.chinacloudapi.cn/p")
        #expect(china.host == "acct.blob.core.chinacloudapi.cn")
        #expect(try AzureBlobLocation(uri: "wasbs://c@a.blob.core.windows.net/p").blobName(for: "m/x") == "p/m/x")
        for bad in ["wasbs://acct.blob.core.windows.net/p", "wasbs://c@example.com/p", "https://example.com/c/p",
                    "https://acct.blob.core.windows.net", "s3://b/p", "wasbs://@acct.blob.core.windows.net/p"] {
            #expect(throws: MLflowError.self, "\(bad)") { try AzureBlobLocation(uri: bad) }
        }
        #expect(AzureBlobLocation.isBlobHost("acct.blob.core.windows.net"))
        #expect(!AzureBlobLocation.isBlobHost("github.com"))
    }

    @Test func connectionStrings() throws {
        let full = try AzureConnectionString("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=\(Self.keyText);EndpointSuffix=core.windows.net")
        #expect(full.credentials == .sharedKey(account: "acct", key: Self.key))
        #expect(full.blobEndpoint == "https://acct.blob.core.windows.net")
        let custom = try AzureConnectionString("AccountName=acct;AccountKey=\(Self.keyText);BlobEndpoint=http://127.0.0.1:9/acct;")
        #expect(custom.blobEndpoint == "http://127.0.0.1:9/acct")
        let sas = try AzureConnectionString("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2021-08-06&sig=a%2Bb%3D")
        #expect(sas.credentials == .sharedAccessSignature("sv=2021-08-06&sig=a%2Bb%3D"))
        let development = try AzureConnectionString("UseDevelopmentStorage=true")
        #expect(development.blobEndpoint == "http://127.0.0.1:10000/devstoreaccount1")
        if case .sharedKey(let account, let key) = development.credentials {
            #expect(account == "devstoreaccount1")
            #expect(key.count == 64)
        } else {
            Issue.record("UseDevelopmentStorage gives Azurite's shared key")
        }
        #expect(throws: MLflowError.self) { try AzureConnectionString("AccountName=a;AccountKey=***not base64***") }
        #expect(!String(describing: full.credentials).contains(Self.keyText), "the key is never printed")
    }

    @Test func environmentPrecedence() throws {
        let connection = "AccountName=acct;AccountKey=\(Self.keyText);BlobEndpoint=http://127.0.0.1:9/acct"
        let fromConnection = try AzureConfiguration(environment: ["AZURE_STORAGE_CONNECTION_STRING": connection,
                                                                  "AZURE_STORAGE_ACCESS_KEY": "eA==", "AZURE_STORAGE_SAS_TOKEN": "sig=x"])
        #expect(fromConnection.credentials == .sharedKey(account: "acct", key: Self.key))
        #expect(fromConnection.blobEndpoint == "http://127.0.0.1:9/acct")
        let fromKey = try AzureConfiguration(environment: ["AZURE_STORAGE_ACCOUNT": "acct", "AZURE_STORAGE_ACCESS_KEY": Self.keyText,
                                                           "AZURE_STORAGE_SAS_TOKEN": "sig=x"])
        #expect(fromKey.credentials == .sharedKey(account: "acct", key: Self.key))
        #expect(fromKey.blobEndpoint == nil)
        #expect(try AzureConfiguration(environment: ["AZURE_STORAGE_KEY": Self.keyText]).credentials == .sharedKey(account: nil, key: Self.key))
        #expect(try AzureConfiguration(environment: ["AZURE_STORAGE_SAS_TOKEN": "?sv=1&sig=x"]).credentials
                == .sharedAccessSignature("sv=1&sig=x"))
        #expect(try AzureConfiguration(environment: [:]).credentials == .anonymous)
        #expect(throws: MLflowError.self) { try AzureConfiguration(environment: ["AZURE_STORAGE_ACCESS_KEY": "%%%"]) }
    }

    @Test func endpointsAndURLs() throws {
        let location = try AzureBlobLocation(uri: "wasbs://c@acct.blob.core.windows.net/p")
        let service = try AzureBlobEndpoint(configuration: AzureConfiguration(credentials: .anonymous), location: location)
        #expect(service.url(encodedPath: service.encodedPath(blob: "p/a b/ü.txt"), query: [])
                == "https://acct.blob.core.windows.net/c/p/a%20b/%C3%BC.txt")
        let emulator = try AzureBlobEndpoint(configuration: AzureConfiguration(credentials: .anonymous,
                                                                               blobEndpoint: "http://127.0.0.1:10000/acct/"),
                                             location: location)
        #expect(emulator.encodedPath(blob: nil) == "/acct/c")
        #expect(throws: MLflowError.self) {
            try AzureBlobEndpoint(configuration: AzureConfiguration(credentials: .anonymous, blobEndpoint: "ftp://x"), location: location)
        }
        // A key for another account is refused up front rather than failing every signature.
        #expect(throws: MLflowError.self) {
            try AzureBlobArtifactRepository(uri: "wasbs://c@acct.blob.core.windows.net/p",
                                            configuration: AzureConfiguration(credentials: .sharedKey(account: "other", key: Self.key)))
        }
        #expect(AzureBlobClient.queryItems(ofSAS: "sv=2021-08-06&sig=a+b%2Fc%3D") == [QueryItem("sv", "2021-08-06"), QueryItem("sig", "a+b/c=")])
        #expect(AzureBlobArtifactRepository.blockId(1) == Base64.encode(Array("block-000001".utf8)))
        #expect(AzureBlobArtifactRepository.blockId(50_000).count == AzureBlobArtifactRepository.blockId(1).count)
    }
}
