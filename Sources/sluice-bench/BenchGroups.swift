import NIOPosix

/// The two one-thread event loop groups a bench runs on, one for its mock upstreams and one for its load
/// generator (so each takes at most one core), shut down whichever way the bench ends.
enum BenchGroups {
    static func with<Result: Sendable>(
        _ body: (_ mockGroup: MultiThreadedEventLoopGroup, _ loadGroup: MultiThreadedEventLoopGroup) async throws -> Result
    ) async throws -> Result {
        let mockGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loadGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let result: Result
        do {
            result = try await body(mockGroup, loadGroup)
        } catch {
            try? await mockGroup.shutdownGracefully()
            try? await loadGroup.shutdownGracefully()
            throw error
        }
        try await mockGroup.shutdownGracefully()
        try await loadGroup.shutdownGracefully()
        return result
    }
}
