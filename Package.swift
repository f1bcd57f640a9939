// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ecr-publish",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ecr-publish", targets: ["ecr-publish"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries (Debian: libssl-dev, libdeflate-dev, libisal-dev, libzstd-dev, libcurl4-openssl-dev, libsodium-dev, libsqlite3-dev).
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Capabilities, dependencies flowing one way (see shared/design/ARCHITECTURE.md).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "CSpawn"),
        .target(name: "CFileSpace"),
        .target(name: "StreamIO", dependencies: ["CSpawn", "CFileSpace"]),
        .target(name: "OCI"),
        .target(name: "Crypto", dependencies: ["COpenSSL", "CSodium", "OCI"]),
        .target(name: "Compression", dependencies: ["StreamIO", "CDeflate", "CIsal", "CZstd"]),
        .target(name: "ImageArchive", dependencies: ["OCI", "Crypto", "StreamIO", "Compression"]),
        .target(name: "HTTP", dependencies: ["CCurl", "StreamIO"]),
        .target(name: "AWS", dependencies: ["HTTP", "Crypto", "StreamIO"]),
        .target(name: "Signing", dependencies: ["OCI", "Crypto", "AWS"]),
        .target(name: "Record", dependencies: ["AWS"]),
        .target(name: "Registry", dependencies: ["HTTP", "OCI", "AWS", "Crypto", "StreamIO"]),
        .target(name: "GitOps", dependencies: ["OCI", "StreamIO", .product(name: "Yams", package: "Yams")]),
        .target(name: "SBOM", dependencies: ["OCI", "ImageArchive", "StreamIO", "CSQLite", "CDeflate", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Publish", dependencies: ["OCI", "StreamIO", "Compression", "Crypto", "ImageArchive", "HTTP", "AWS", "GitOps", "Registry", "SBOM", "Record", "Signing"]),
        .executableTarget(
            name: "ecr-publish",
            dependencies: ["Publish", "AWS", "HTTP", "ImageArchive", "OCI", "GitOps", "Crypto", "Record", "Registry", "SBOM", "Signing", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams")]
        ),

        // Test support: launchers for real tools and servers, image builders, temp dirs.
        .target(name: "TestSupport", dependencies: ["OCI"], path: "Tests/TestSupport"),
        .testTarget(name: "OCITests", dependencies: ["OCI"]),
        .testTarget(name: "StreamIOTests", dependencies: ["StreamIO"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "TestSupport"]),
        .testTarget(name: "RecordTests", dependencies: ["Record", "AWS", "TestSupport"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "Crypto", "OCI", "AWS", "TestSupport"]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "StreamIO", "TestSupport"]),
        .testTarget(name: "ImageArchiveTests", dependencies: ["ImageArchive", "OCI", "StreamIO", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "StreamIO", "TestSupport"]),
        .testTarget(name: "GitOpsTests", dependencies: ["GitOps", "OCI", "StreamIO", "TestSupport"]),
        .testTarget(name: "AWSTests", dependencies: ["AWS", "HTTP", "Crypto", "TestSupport"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "HTTP", "OCI", "Crypto", "TestSupport"]),
        .testTarget(name: "SBOMTests", dependencies: ["SBOM", "ImageArchive", "OCI", "StreamIO", "Compression", "TestSupport"]),
        .testTarget(name: "PublishTests", dependencies: ["Publish", "ImageArchive", "OCI", "AWS", "GitOps", "Crypto", "Signing", "TestSupport"]),
    ]
)
