import Logging
import ServiceLifecycle
import SluiceRouting

/// Reloads route discriminators when their files change (checked every two seconds). A bad new
/// file is logged and the previous classifier stays in use.
struct DiscriminatorReloader: Service {
    let discriminators: [String: ReloadingDiscriminator]
    let logger: Logger
    var interval: Duration = .seconds(2)

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        while true {
            try await Task.sleep(for: interval)
            for (path, holder) in discriminators {
                do {
                    if try holder.reloadIfChanged() { logger.info("discriminator reloaded", metadata: ["path": "\(path)"]) }
                } catch {
                    logger.error("discriminator file could not be loaded; keeping the previous one", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
        }
    }
}
