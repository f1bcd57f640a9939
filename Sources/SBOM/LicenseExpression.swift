/// A declared license as SPDX wants it: a valid SPDX license expression when every license
/// in it is on the SPDX license list, else a `LicenseRef-…` whose text is what the metadata
/// said (SPDX `hasExtractedLicensingInfos`).
public enum LicenseExpression: Sendable, Equatable {
    case spdx(String)
    case reference(id: String, text: String)

    /// The expression or reference identifier, as SPDX's `licenseDeclared` takes it.
    public var identifier: String {
        switch self {
        case .spdx(let expression): return expression
        case .reference(let id, _): return id
        }
    }

    /// Normalizes `declared`: known identifiers in their canonical case, common aliases
    /// (`Apache 2.0`, Debian's `GPL-2+`, `Expat`) to SPDX identifiers, and anything else a
    /// `LicenseRef-` of its sanitized text.
    public init?(declared: String) {
        let text = declared.trimmingSpaces()
        guard !text.isEmpty, text.uppercased() != "UNKNOWN", text.uppercased() != "NOASSERTION", text.uppercased() != "NONE" else {
            return nil
        }
        if let alias = Self.aliases[text.lowercased()] {
            self = .spdx(alias)
            return
        }
        if let expression = Self.parse(text) {
            self = .spdx(expression)
            return
        }
        var sanitized = ""
        for character in text.unicodeScalars {
            sanitized.unicodeScalars.append(character.properties.isAlphabetic && character.isASCII || ("0"..."9").contains(character)
                || character == "." || character == "-" ? character : "-")
        }
        // Long texts keep a hash of themselves, so two that start alike stay two references.
        let id = sanitized.count <= 48 ? sanitized : sanitized.prefix(40) + "-" + String(FNV1a.hash(text), radix: 16)
        self = .reference(id: "LicenseRef-" + id, text: text)
    }

    /// `MIT OR (Apache-2.0 WITH LLVM-exception)`: every license on the list, operators in
    /// capitals; nil when any token is not.
    private static func parse(_ text: String) -> String? {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" || character == " " || character == "\t" {
                if !current.isEmpty { tokens.append(current); current = "" }
                if character != " " && character != "\t" { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        // Two-word aliases inside an expression (`GPLv2+ and ASL 2.0`) are one operand.
        var merged: [String] = []
        for token in tokens {
            if let last = merged.last, aliases[(last + " " + token).lowercased()] != nil {
                merged[merged.count - 1] = last + " " + token
            } else {
                merged.append(token)
            }
        }
        tokens = merged
        var output: [String] = []
        var depth = 0
        var expectOperand = true
        var afterWith = false
        for token in tokens {
            let upper = token.uppercased()
            switch token {
            case "(":
                guard expectOperand else { return nil }
                depth += 1
                output.append("(")
            case ")":
                guard !expectOperand, depth > 0 else { return nil }
                depth -= 1
                output.append(")")
            default:
                if upper == "AND" || upper == "OR" || upper == "WITH" {
                    guard !expectOperand else { return nil }
                    output.append(upper)
                    expectOperand = true
                    afterWith = upper == "WITH"
                    continue
                }
                guard expectOperand else { return nil }
                let plus = token.hasSuffix("+") && !token.hasSuffix("-or-later+")
                let base = plus ? String(token.dropLast()) : token
                if !afterWith, let alias = aliases[token.lowercased()] {
                    output.append(alias)
                } else {
                    let canonical = afterWith ? exceptions[base.lowercased()] : identifiers[base.lowercased()]
                    guard let canonical else { return nil }
                    output.append(canonical + (plus && !afterWith ? "+" : ""))
                }
                expectOperand = false
                afterWith = false
            }
        }
        guard !expectOperand, depth == 0 else { return nil }
        return output.joined(separator: " ").replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
    }

    /// Identifiers of the SPDX license list most seen in images, by lowercased form.
    static let identifiers: [String: String] = Dictionary(uniqueKeysWithValues: [
        "0BSD", "AFL-2.1", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "APSL-2.0",
        "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "BSD-1-Clause", "BSD-2-Clause",
        "BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "BSD-Source-Code", "BSL-1.0",
        "bzip2-1.0.6", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0", "CDDL-1.1",
        "CECILL-2.1", "curl", "EPL-1.0", "EPL-2.0", "EUPL-1.2", "FSFAP", "FSFUL", "FSFULLR", "FTL", "GFDL-1.2-only",
        "GFDL-1.2-or-later", "GFDL-1.3-only", "GFDL-1.3-or-later", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only",
        "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND", "ICU", "IJG", "ISC", "LGPL-2.0-only",
        "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "Libpng",
        "libpng-2.0", "MIT", "MIT-0", "MIT-CMU", "MPL-1.1", "MPL-2.0", "MS-PL", "NCSA", "OFL-1.1", "OpenSSL",
        "PHP-3.01", "PostgreSQL", "PSF-2.0", "Python-2.0", "Ruby", "Sleepycat", "TCL", "Unicode-DFS-2016",
        "Unicode-3.0", "Unlicense", "UPL-1.0", "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.1",
        // Deprecated forms, still on the list and still written by packages.
        "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0", "GPL-2.0+", "GPL-3.0+", "LGPL-2.1+", "LGPL-3.0+",
    ].map { ($0.lowercased(), $0) })

    static let exceptions: [String: String] = Dictionary(uniqueKeysWithValues: [
        "Classpath-exception-2.0", "LLVM-exception", "GCC-exception-3.1", "GCC-exception-2.0", "Autoconf-exception-3.0",
        "Bison-exception-2.2", "OpenSSL-exception", "Font-exception-2.0", "Linux-syscall-note",
    ].map { ($0.lowercased(), $0) })

    /// Names packages write that are not SPDX identifiers, by lowercased form.
    static let aliases: [String: String] = [
        "apache 2.0": "Apache-2.0", "apache-2": "Apache-2.0", "apache 2": "Apache-2.0", "apache2": "Apache-2.0",
        "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0",
        "apache software license": "Apache-2.0", "apache software license 2.0": "Apache-2.0",
        "expat": "MIT", "mit license": "MIT", "the mit license": "MIT", "bsd-3-clause-license": "BSD-3-Clause",
        "new bsd license": "BSD-3-Clause", "bsd 3-clause": "BSD-3-Clause", "bsd 3-clause license": "BSD-3-Clause",
        "3-clause bsd license": "BSD-3-Clause", "modified bsd license": "BSD-3-Clause", "bsd-2-clause-license": "BSD-2-Clause",
        "simplified bsd": "BSD-2-Clause", "isc license": "ISC", "mpl 2.0": "MPL-2.0", "psf": "PSF-2.0",
        "gpl-2": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later", "gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later",
        "lgpl-2": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later", "lgpl-2.1+": "LGPL-2.1-or-later",
        "lgpl-3+": "LGPL-3.0-or-later", "lgpl-3": "LGPL-3.0-only",
        // Fedora's legacy short names, still in RHEL 9 and Amazon Linux 2023 rpm headers.
        "gplv2": "GPL-2.0-only", "gplv2+": "GPL-2.0-or-later", "gplv3": "GPL-3.0-only", "gplv3+": "GPL-3.0-or-later",
        "lgplv2+": "LGPL-2.0-or-later", "lgplv2.1+": "LGPL-2.1-or-later", "lgplv3": "LGPL-3.0-only", "lgplv3+": "LGPL-3.0-or-later",
        "agplv3": "AGPL-3.0-only", "agplv3+": "AGPL-3.0-or-later", "asl 2.0": "Apache-2.0", "mplv2.0": "MPL-2.0",
    ]

    /// Trove classifiers (`License :: OSI Approved :: MIT License`) by their last part.
    static let classifierLicenses: [String: String] = [
        "MIT License": "MIT", "Apache Software License": "Apache-2.0",
        "ISC License (ISCL)": "ISC", "Python Software Foundation License": "PSF-2.0",
        "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
        "GNU General Public License v2 (GPLv2)": "GPL-2.0-only", "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
        "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only", "The Unlicense (Unlicense)": "Unlicense",
    ]
}
