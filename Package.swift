// swift-tools-version: 6.1
import PackageDescription

// Module graph (dependencies point one way, see Docs/Architecture.md):
//   VernierTensor <- VernierCore <- VernierMetrics <- VernierLua <- Vernier <- VernierCLI
//   CLua <- CLuaShim <- VernierLua
//   CMPI <- VernierMPI (MPIBackend; always built, see Docs/Distributed.md)
let package = Package(
    name: "Vernier",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Vernier", targets: ["Vernier"]),
        .executable(name: "vernier", targets: ["VernierCLI"]),
        .library(name: "VernierMPI", targets: ["VernierMPI"]),
        .executable(name: "vernier-mpi-selftest", targets: ["VernierMPISelfTest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .target(name: "VernierTensor"),
        .target(
            name: "VernierCore",
            dependencies: ["VernierTensor", .product(name: "Collections", package: "swift-collections")]
        ),
        .target(name: "VernierMetrics", dependencies: ["VernierCore"]),
        .systemLibrary(name: "CLua", path: "Sources/CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(
            name: "VernierLua",
            dependencies: ["VernierCore", "VernierTensor", "CLuaShim", .product(name: "Collections", package: "swift-collections")]
        ),
        .target(name: "Vernier", dependencies: ["VernierTensor", "VernierCore", "VernierMetrics", "VernierLua"]),
        .executableTarget(
            name: "VernierCLI",
            dependencies: ["Vernier", "VernierMPI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "VernierMPI", dependencies: ["VernierCore", "CMPI"]),
        .executableTarget(name: "VernierMPISelfTest", dependencies: ["VernierMPI", "VernierMetrics"]),
        .target(name: "VernierTestSupport", dependencies: ["Vernier"], path: "Tests/VernierTestSupport"),
        .testTarget(name: "VernierTensorTests", dependencies: ["VernierTensor"]),
        .testTarget(name: "VernierCoreTests", dependencies: ["VernierTestSupport"]),
        .testTarget(name: "VernierMetricsTests", dependencies: ["VernierTestSupport"]),
        .testTarget(name: "VernierDistributedTests", dependencies: ["VernierCore", "VernierTensor"]),
        .testTarget(name: "VernierCLITests", dependencies: ["VernierTestSupport"]),
        .testTarget(name: "VernierLuaTests", dependencies: ["VernierLua", "VernierMetrics"]),
    ],
    swiftLanguageModes: [.v6]
)
