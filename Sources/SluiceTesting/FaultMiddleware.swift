import Hummingbird
import HTTPTypes
import NIOCore

/// Plays a ``FaultPlan`` in front of a fake upstream's routes, so one fake can refuse, stall, rate-limit
/// or break mid-stream on demand while still speaking its provider's wire format when it does answer.
public struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    public let plan: FaultPlan

    public init(plan: FaultPlan) {
        self.plan = plan
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let (fault, generation) = plan.next()
        switch fault {
        case .none:
            return try await next(request, context)
        case .status(let status, let retryAfter):
            _ = try await request.body.collect(upTo: 16 << 20)
            var response = FakeOpenAI.errorResponse(
                status: HTTPResponse.Status(code: status),
                message: status == 429 ? "Rate limit reached, please retry later." : "The server had an error while processing your request.",
                type: status == 429 ? "rate_limit_error" : "server_error", code: nil)
            if let retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        case .hang:
            try await pause(.seconds(60), generation: generation)
            return try await next(request, context)
        case .slowHead(let delay):
            try await pause(delay, generation: generation)
            return try await next(request, context)
        case .slowFirstByte(let delay):
            var response = try await next(request, context)
            let body = response.body
            let plan = self.plan
            response.body = ResponseBody { writer in
                try await FaultMiddleware.pause(delay, plan: plan, generation: generation)
                try await body.write(writer)
            }
            return response
        case .cutMidStream:
            var response = try await next(request, context)
            let body = response.body
            response.body = ResponseBody { writer in
                try await body.write(CuttingWriter(inner: writer, remaining: 1))
            }
            return response
        }
    }
}

extension FaultMiddleware {
    /// Waits `delay`, or less if the plan changes first (tests reset their plans when they end, which
    /// lets held requests go so the fake can shut down).
    func pause(_ delay: Duration, generation: Int) async throws {
        try await Self.pause(delay, plan: plan, generation: generation)
    }

    static func pause(_ delay: Duration, plan: FaultPlan, generation: Int) async throws {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end && !plan.changed(since: generation) {
            try await Task.sleep(for: min(.milliseconds(50), end - ContinuousClock.now))
        }
    }
}

/// Passes on `remaining` writes, then breaks the connection.
struct CuttingWriter: ResponseBodyWriter {
    var inner: any ResponseBodyWriter
    var remaining: Int

    mutating func write(_ buffer: ByteBuffer) async throws {
        guard remaining > 0 else { throw FakeUpstreamFailure.cutConnection }
        remaining -= 1
        try await inner.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        throw FakeUpstreamFailure.cutConnection
    }
}
