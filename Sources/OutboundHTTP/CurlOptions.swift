import CCurl

/// Sets options on an easy handle through the shim's typed wrappers, remembering the first failure.
struct CurlOptions {
    let handle: UnsafeMutableRawPointer
    private(set) var failure: HTTPClientError?

    init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
    }

    mutating func set(_ option: CURLoption, _ value: Int) {
        check(option, swiftrack_curl_setopt_long(handle, option, value))
    }

    mutating func set(_ option: CURLoption, offset value: Int64) {
        check(option, swiftrack_curl_setopt_offset(handle, option, curl_off_t(value)))
    }

    /// libcurl copies string options, so the Swift string only has to live through the call.
    mutating func set(_ option: CURLoption, _ value: String) {
        check(option, swiftrack_curl_setopt_string(handle, option, value))
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        check(option, swiftrack_curl_setopt_pointer(handle, option, value))
    }

    mutating func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) {
        check(option, swiftrack_curl_setopt_slist(handle, option, value))
    }

    mutating func set(_ option: CURLoption, callback value: swiftrack_curl_data_callback) {
        check(option, swiftrack_curl_setopt_callback(handle, option, value))
    }

    private mutating func check(_ option: CURLoption, _ code: CURLcode) {
        guard code != CURLE_OK, failure == nil else { return }
        failure = .library("libcurl option \(option.rawValue) refused: \(String(cString: curl_easy_strerror(code)))")
    }
}
