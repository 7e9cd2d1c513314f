public import TemporaryFiles

/// Where artifacts live: local disk, S3, GCS or Azure Blob, behind one interface.
/// Paths are relative to the repository's root, `/`-separated, already checked by `ArtifactPath`.
/// Every method may block (disk or network): call them from worker threads only.
public protocol ArtifactRepository: Sendable {
    /// The direct children of `path` ("" is the root), sorted by path; empty when nothing is there.
    func list(_ path: String) throws -> [ArtifactFileInfo]

    /// The artifact as a local file to send: a local store hands out its own file, a remote one
    /// downloads into `temporaryDirectory` a copy owned by the result (`LocalArtifactFile.temporary`).
    /// Throws RESOURCE_DOES_NOT_EXIST when there is no such file.
    func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile

    /// Stores the local file at `localPath` as `path`, replacing what was there. The caller owns
    /// `localPath`: a local store may move it, so the caller must not use it afterwards.
    func store(localPath: String, as path: String) throws

    /// Deletes the file or the whole directory at `path` ("" deletes everything under the root).
    func delete(_ path: String) throws
}

/// An entry of a listing, as MLflow's `FileInfo` message.
public struct ArtifactFileInfo: Sendable, Equatable {
    public var path: String
    public var isDirectory: Bool
    /// nil for directories.
    public var fileSize: Int64?

    public init(path: String, isDirectory: Bool, fileSize: Int64?) {
        self.path = path
        self.isDirectory = isDirectory
        self.fileSize = fileSize
    }
}

/// A file on local disk holding an artifact's bytes.
public struct LocalArtifactFile: Sendable, Equatable {
    public var path: String
    public var size: Int64
    /// The owner of a temporary copy (a remote store's download): the file is removed when the last
    /// holder lets go, so whoever drops this value without sending it leaves nothing behind.
    /// nil: the store's own file.
    public var temporary: TemporaryFile?

    public var isTemporary: Bool { temporary != nil }

    public init(path: String, size: Int64, temporary: TemporaryFile? = nil) {
        self.path = path
        self.size = size
        self.temporary = temporary
    }

    public static func == (left: LocalArtifactFile, right: LocalArtifactFile) -> Bool {
        left.path == right.path && left.size == right.size && left.temporary === right.temporary
    }
}

/// Multipart uploads straight to the object store through presigned URLs (S3, GCS, Azure).
public protocol MultipartArtifactRepository: ArtifactRepository {
    func createMultipartUpload(path: String, partCount: Int) throws -> MultipartUpload
    func completeMultipartUpload(path: String, uploadId: String, parts: [UploadedPart]) throws
    func abortMultipartUpload(path: String, uploadId: String) throws
}

/// A started multipart upload: its id and where the client PUTs each part.
public struct MultipartUpload: Sendable, Equatable {
    public var uploadId: String?
    public var parts: [PartUploadTarget]
    public init(uploadId: String?, parts: [PartUploadTarget]) {
        self.uploadId = uploadId
        self.parts = parts
    }
}

/// One part's presigned URL and the headers the client must send with it.
public struct PartUploadTarget: Sendable, Equatable {
    public var partNumber: Int
    public var url: String
    public var headers: [String: String]
    public init(partNumber: Int, url: String, headers: [String: String] = [:]) {
        self.partNumber = partNumber
        self.url = url
        self.headers = headers
    }
}

/// A part the client uploaded, as it reports it on completion.
public struct UploadedPart: Sendable, Equatable {
    public var partNumber: Int
    public var etag: String
    public var url: String?
    public init(partNumber: Int, etag: String, url: String? = nil) {
        self.partNumber = partNumber
        self.etag = etag
        self.url = url
    }
}
