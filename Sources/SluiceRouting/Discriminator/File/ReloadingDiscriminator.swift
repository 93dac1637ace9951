import Foundation
import Synchronization

/// A model file that is loaded at start-up and reloaded when it changes on disk, for the gateway.
///
/// ``current`` is read on every request; ``reloadIfChanged()`` is called at start-up and then
/// periodically (by a timer task, or on a signal). A reload compares the file's modification time,
/// size and inode with the last check and loads the file only when one of them changed. A file that
/// fails to load (half-written, corrupt, from another feature version) leaves the previous model in
/// use and throws once; it is tried again when it changes again.
public final class ReloadingDiscriminator: Sendable {
    /// The model file.
    public let path: String
    private let state: Mutex<State>

    private struct State {
        var model: DiscriminatorModel?
        /// The file as last checked, loaded or not; nil before the first check.
        var lastSeen: FileStamp?
    }

    /// A discriminator for `path` with no model yet: call ``reloadIfChanged()`` to load it.
    public init(path: String) {
        self.path = path
        self.state = Mutex(State())
    }

    /// The model in use, or nil when none has loaded yet.
    public var current: DiscriminatorModel? {
        state.withLock { $0.model }
    }

    /// The current model's decision, or nil when no model has loaded.
    public func decide(_ features: RequestFeatures) -> DiscriminatorDecision? {
        current?.decide(features)
    }

    /// Loads the file if it changed since the last check.
    ///
    /// - Returns: whether a new model is now in use.
    /// - Throws: ``DiscriminatorFileError`` when the changed file cannot be loaded; the previous model
    ///   (if any) stays in use.
    @discardableResult
    public func reloadIfChanged() throws(DiscriminatorFileError) -> Bool {
        let stamp = FileStamp(path: path)
        let changed = state.withLock { state in
            guard state.lastSeen != stamp else { return false }
            state.lastSeen = stamp
            return true
        }
        guard changed else { return false }
        if case .unavailable(let reason) = stamp { throw .unreadable(path: path, reason: reason) }
        let model = try DiscriminatorFile.load(path: path)
        return state.withLock { state in
            // A concurrent reload may have seen a newer file meanwhile; keep its result.
            guard state.lastSeen == stamp else { return false }
            state.model = model
            return true
        }
    }
}
