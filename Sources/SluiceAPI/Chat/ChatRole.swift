/// Who wrote a chat message.
public enum ChatRole: String, Codable, Sendable, Hashable, CaseIterable {
    case system
    case developer
    case user
    case assistant
    case tool
    /// The deprecated predecessor of `tool`, still sent by some clients.
    case function
}
