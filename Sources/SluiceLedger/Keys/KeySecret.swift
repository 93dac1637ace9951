import Crypto
import Foundation

/// Making and checking key secrets: `sk-sluice-` followed by 40 random base-62 characters (about 238
/// bits), stored only as a SHA-256 hex digest. A salted slow hash is not needed for secrets of this
/// entropy, and a plain digest lets a key be found by its hash in one indexed lookup.
public enum KeySecret {
    public static let prefix = "sk-sluice-"
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new random secret.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + randomCharacters(40, using: &generator)
    }

    /// A new random key id, `key_` and 16 base-62 characters.
    public static func generateID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "key_" + randomCharacters(16, using: &generator)
    }

    /// The stored form of a secret.
    public static func hash(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// What listings show instead of the secret: the prefix and the first four random characters.
    public static func displayPrefix(_ secret: String) -> String {
        String(secret.prefix(prefix.count + 4))
    }

    /// Compares two strings in time that depends only on their lengths (for the admin key).
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func randomCharacters(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
