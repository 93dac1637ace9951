// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .executable(name: "sluice-bench", targets: ["sluice-bench"]),
        .library(name: "SluiceAPI", targets: ["SluiceAPI"]),
        .library(name: "SluiceGateway", targets: ["SluiceGateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The wire language: Codable value types, no I/O.
        .target(name: "SluiceAPI", swiftSettings: strict),
        // The built-in inference engine and its C kernels.
        .target(name: "CSluiceKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "SluiceEngine",
            dependencies: ["CSluiceKernels", .product(name: "Atomics", package: "swift-atomics")],
            // Optimised in debug builds too: the tests run the real model, which is unusably slow at -Onone.
            swiftSettings: strict + [
                .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
                .unsafeFlags(["-O"], .when(configuration: .debug)),
            ]
        ),
        // One file per backend kind.
        .target(
            name: "SluiceProviders",
            dependencies: [
                "SluiceAPI", "SluiceEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Deciding where a request goes and keeping it alive: rules, the discriminator, fallbacks,
        // breakers, balancing, admission. Pure decisions and small state machines, no HTTP.
        .target(
            name: "SluiceRouting",
            dependencies: ["SluiceAPI"],
            swiftSettings: strict
        ),
        // What must not be lost: keys, prices, budgets, usage; SQLite and PostgreSQL stores.
        .target(
            name: "SluiceLedger",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // HTTP server and request pipeline.
        .target(
            name: "SluiceGateway",
            dependencies: [
                "SluiceAPI", "SluiceEngine", "SluiceProviders", "SluiceLedger", "SluiceRouting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Fake upstreams that speak each provider's documented wire format (tests and benchmarks).
        .target(
            name: "SluiceTesting",
            dependencies: [
                "SluiceAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceGateway", "SluiceEngine", "SluiceLedger", "SluiceRouting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sluice-bench",
            dependencies: [
                "SluiceGateway", "SluiceTesting", "SluiceEngine", "SluiceLedger", "SluiceRouting", "CSluiceKernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Runs the fake upstreams as a process, for the Python SDK tests.
        .executableTarget(
            name: "sluice-fakes",
            dependencies: [
                "SluiceTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "SluiceAPITests", dependencies: ["SluiceAPI"]),
        .testTarget(name: "SluiceEngineTests", dependencies: ["SluiceEngine"]),
        .testTarget(name: "SluiceLedgerTests", dependencies: ["SluiceLedger"]),
        .testTarget(name: "SluiceRoutingTests", dependencies: ["SluiceRouting", "SluiceAPI"]),
        .testTarget(
            name: "SluiceProvidersTests",
            dependencies: [
                "SluiceProviders", "SluiceTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SluiceGatewayTests",
            dependencies: [
                "SluiceGateway", "SluiceTesting", "SluiceLedger", "SluiceRouting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
