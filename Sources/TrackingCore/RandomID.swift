/// Random version-4 UUIDs from the system generator (`getrandom`), formatted without Foundation:
/// Foundation's `UUID()` opens `/dev/urandom` on every call, and stripping its dashes with
/// `replacingOccurrences` went through NSString; together 10% of a create-run's CPU.
public enum RandomID {
    /// 32 lowercase hex digits, MLflow's run and model id form (`uuid.uuid4().hex`).
    public static func uuid4Hex() -> String {
        format(dashes: false)
    }

    /// The canonical form, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lowercase.
    public static func uuid4() -> String {
        format(dashes: true)
    }

    private static func format(dashes: Bool) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40   // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // RFC 4122 variant
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: dashes ? 36 : 32) { buffer in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if dashes, index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                buffer[position] = digits[Int(byte >> 4)]
                buffer[position + 1] = digits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }
}
