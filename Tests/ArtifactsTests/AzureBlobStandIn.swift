import Foundation
import OutboundHTTP
@testable import Artifacts
import Crypto

/// A loopback stand-in for the Azure Blob service (tests only: npm's Azurite cannot be installed
/// here and PyPI has no Blob REST emulator). It implements just the calls the repository makes
/// (List Blobs with prefix/delimiter/marker/maxresults, Get/Put/Delete Blob, Put Block, Put Block
/// List, Create Container) and authorises every call the way the service does, using the code
/// of Microsoft's `azure-storage-blob` SDK (pinned in compat/requirements.txt): a Shared Key
/// signature is recomputed with the SDK's `SharedKeyCredentialPolicy` over the request as
/// received, a SAS signature with the SDK's SAS generator, and the SAS permissions and expiry
/// are enforced. `GET /__sas?sp=...` hands out a container SAS made by the SDK; `GET /__stats`
/// counts what was authorised how.
final class AzureBlobStandIn {
    static let python = LoopbackProcess.venvBin + "/python"
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: python)
            && (try? runCommand(python, ["-c", "import azure.storage.blob"]).status) == 0
    }

    static let account = "swiftrackacct"
    /// A made-up account key (base64 of 64 bytes).
    static let key = Base64.encode((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })

    static let script = #"""
import base64, datetime, email.utils, json, re, sys, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy
from azure.storage.blob._shared_access_signature import BlobSharedAccessSignature

PORT, ACCOUNT, KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
CONTAINERS = {name: {} for name in sys.argv[4:]}
BLOCKS = {}
STATS = {"sharedkey": 0, "sas": 0, "putblock": 0, "putblocklist": 0, "putblob": 0}
LOCK = threading.Lock()

class Failure(Exception):
    def __init__(self, status, code, message):
        self.status, self.code, self.message = status, code, message

def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fail(self, failure):
        xml = '<?xml version="1.0" encoding="utf-8"?><Error><Code>%s</Code><Message>%s</Message></Error>' % (
            failure.code, escape(failure.message))
        self.reply(failure.status, xml.encode(), [("x-ms-error-code", failure.code), ("Content-Type", "application/xml")])

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        parsed = urllib.parse.urlsplit(self.path)
        self.query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        try:
            if parsed.path == "/":
                return self.reply(200, b"ok")
            if parsed.path == "/__stats":
                return self.reply(200, json.dumps(STATS).encode())
            if parsed.path == "/__sas":
                sas = BlobSharedAccessSignature(ACCOUNT, KEY)
                sas.x_ms_version = "2021-08-06"
                token = sas.generate_container(self.query["container"], permission=self.query["sp"], expiry=self.query["se"])
                return self.reply(200, token.encode())
            segments = parsed.path.split("/", 3)
            if len(segments) < 3 or segments[1] != ACCOUNT or not segments[2]:
                raise Failure(400, "InvalidUri", "expected /account/container[/blob]")
            container = urllib.parse.unquote(segments[2])
            blob = urllib.parse.unquote(segments[3]) if len(segments) > 3 and segments[3] else None
            self.authorize(container, blob)
            with LOCK:
                self.dispatch(container, blob)
        except Failure as failure:
            self.fail(failure)

    do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = handle_any

    def authorize(self, container, blob):
        # A SAS request may leave x-ms-version out (its sv says the version); Shared Key may not.
        if "sig" in self.query:
            return self.authorize_sas(container, blob)
        if "x-ms-version" not in self.headers:
            raise Failure(400, "MissingRequiredHeader", "x-ms-version is required")
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("SharedKey "):
            raise Failure(401, "NoAuthenticationInformation", "no authentication information")
        sent = email.utils.parsedate_to_datetime(self.headers["x-ms-date"])
        if abs((datetime.datetime.now(datetime.timezone.utc) - sent).total_seconds()) > 900:
            raise Failure(403, "AuthenticationFailed", "x-ms-date is out of range")
        request = HttpRequest(self.command, "http://%s%s" % (self.headers["Host"], self.path),
                              headers={k: v for k, v in self.headers.items() if k.lower() != "authorization"})
        SharedKeyCredentialPolicy(ACCOUNT, KEY).on_request(PipelineRequest(request, PipelineContext(None)))
        if request.headers["Authorization"] != authorization:
            raise Failure(403, "AuthenticationFailed", "Server failed to authenticate the request. The MAC signature "
                          "found in the HTTP request is not the same as any computed signature.")
        STATS["sharedkey"] += 1

    def authorize_sas(self, container, blob):
        q = self.query
        sas = BlobSharedAccessSignature(ACCOUNT, KEY)
        sas.x_ms_version = q.get("sv", "")
        if q.get("sr") == "b":
            if blob is None:
                raise Failure(403, "AuthorizationResourceTypeMismatch", "a blob SAS cannot address the container")
            token = sas.generate_blob(container, blob, permission=q.get("sp"), expiry=q.get("se"), start=q.get("st"))
        elif q.get("sr") == "c":
            token = sas.generate_container(container, permission=q.get("sp"), expiry=q.get("se"), start=q.get("st"))
        else:
            raise Failure(403, "AuthenticationFailed", "unsupported signed resource")
        expected = dict(urllib.parse.parse_qsl(token))["sig"]
        if expected != q["sig"]:
            raise Failure(403, "AuthenticationFailed", "Signature did not match.")
        if parse_time(q["se"]) < datetime.datetime.now(datetime.timezone.utc):
            raise Failure(403, "AuthenticationFailed", "Signed expiry time has passed")
        needed = {"GET": "l" if blob is None else "r", "HEAD": "r", "PUT": "w", "DELETE": "d"}.get(self.command, "?")
        if needed not in q.get("sp", ""):
            raise Failure(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.")
        STATS["sas"] += 1

    def dispatch(self, container, blob):
        q = self.query
        if blob is None and self.command == "PUT" and q.get("restype") == "container":
            CONTAINERS.setdefault(container, {})
            return self.reply(201)
        if container not in CONTAINERS:
            raise Failure(404, "ContainerNotFound", "The specified container does not exist.")
        blobs = CONTAINERS[container]
        if blob is None:
            if self.command == "GET" and q.get("restype") == "container" and q.get("comp") == "list":
                return self.list_blobs(container, blobs)
            raise Failure(400, "UnsupportedHttpVerb", "unsupported container operation")
        if self.command == "PUT" and q.get("comp") == "block":
            try:
                base64.b64decode(q["blockid"], validate=True)
            except Exception:
                raise Failure(400, "InvalidQueryParameterValue", "blockid is not base64")
            BLOCKS.setdefault((container, blob), {})[q["blockid"]] = self.body
            STATS["putblock"] += 1
            return self.reply(201)
        if self.command == "PUT" and q.get("comp") == "blocklist":
            ids = re.findall(r"<(?:Latest|Uncommitted)>([^<]*)</(?:Latest|Uncommitted)>", self.body.decode())
            staged = BLOCKS.get((container, blob), {})
            if not ids or any(i not in staged for i in ids) or len({len(base64.b64decode(i)) for i in ids}) != 1:
                raise Failure(400, "InvalidBlockList", "The specified block list is invalid.")
            blobs[blob] = b"".join(staged[i] for i in ids)
            BLOCKS.pop((container, blob), None)
            STATS["putblocklist"] += 1
            return self.reply(201)
        if self.command == "PUT" and not q.get("comp"):
            if self.headers.get("x-ms-blob-type") != "BlockBlob":
                raise Failure(400, "MissingRequiredHeader", "x-ms-blob-type is required")
            blobs[blob] = self.body
            STATS["putblob"] += 1
            return self.reply(201)
        if self.command == "GET" and not q.get("comp"):
            if blob not in blobs:
                raise Failure(404, "BlobNotFound", "The specified blob does not exist.")
            return self.reply(200, blobs[blob], [("Content-Type", "application/octet-stream")])
        if self.command == "DELETE":
            if blob not in blobs:
                raise Failure(404, "BlobNotFound", "The specified blob does not exist.")
            del blobs[blob]
            return self.reply(202)
        raise Failure(400, "UnsupportedHttpVerb", "unsupported blob operation")

    def list_blobs(self, container, blobs):
        q = self.query
        prefix, delimiter, marker = q.get("prefix", ""), q.get("delimiter"), q.get("marker", "")
        page = int(q.get("maxresults", "5000"))
        entries = []
        for name in sorted(n for n in blobs if n.startswith(prefix)):
            if delimiter and delimiter in name[len(prefix):]:
                folded = name[:len(prefix) + name[len(prefix):].index(delimiter) + len(delimiter)]
                if not entries or entries[-1] != ("prefix", folded):
                    entries.append(("prefix", folded))
            else:
                entries.append(("blob", name))
        entries = [e for e in entries if e[1] >= marker]
        shown, rest = entries[:page], entries[page:]
        xml = ['<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/" ContainerName="%s">' % escape(container),
               "<Prefix>%s</Prefix><Blobs>" % escape(prefix)]
        for kind, name in shown:
            if kind == "blob":
                xml.append("<Blob><Name>%s</Name><Properties><Content-Length>%d</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>"
                           % (escape(name), len(blobs[name])))
            else:
                xml.append("<BlobPrefix><Name>%s</Name></BlobPrefix>" % escape(name))
        xml.append("</Blobs><NextMarker>%s</NextMarker></EnumerationResults>" % (escape(rest[0][1]) if rest else ""))
        self.reply(200, "".join(xml).encode(), [("Content-Type", "application/xml")])

ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
"""#

    let server: LoopbackProcess
    private let scriptPath: String
    var endpoint: String { server.endpoint }
    /// The endpoint as a connection string's `BlobEndpoint`: Azurite style, the account in the path.
    var blobEndpoint: String { server.endpoint + "/" + Self.account }
    var connectionString: String {
        "DefaultEndpointsProtocol=http;AccountName=\(Self.account);AccountKey=\(Self.key);BlobEndpoint=\(blobEndpoint);"
    }

    init(containers: [String]) throws {
        scriptPath = try LoopbackProcess.writeScript(Self.script, name: "azure-blob-stand-in")
        server = try LoopbackProcess(executable: Self.python, arguments: [scriptPath, "{port}", Self.account, Self.key] + containers,
                                     name: "Azure Blob stand-in")
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: scriptPath)
    }

    /// A container SAS generated by the SDK, with permissions `sp`.
    func containerSAS(container: String, permissions: String) throws -> String {
        let expiry = AzureDate.iso8601(Date().addingTimeInterval(3600))
        let response = try HTTPClient().perform(HTTPClientRequest(method: "GET",
            url: endpoint + "/__sas?container=\(container)&sp=\(permissions)&se=\(AWSURIEncoding.encode(expiry))"))
        return response.bodyText
    }

    func stats() throws -> [String: Int] {
        let response = try HTTPClient().perform(HTTPClientRequest(method: "GET", url: endpoint + "/__stats"))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Int]) ?? [:]
    }
}
