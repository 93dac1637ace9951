import SluiceAPI

/// A request that no model in its chain could answer: the error the caller sees, and the routing
/// reason (what was tried and how each failed), sent in `x-sluice-route-reason` with the error.
struct RoutedFailure: ProviderErrorConvertible, CustomStringConvertible {
    let error: any Error
    let reason: String

    var apiError: APIError { ErrorResponse.apiError(for: error) }

    var description: String { "\(error)" }
}
