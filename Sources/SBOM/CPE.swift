/// A CPE 2.3 formatted string for a package (`cpe:2.3:a:VENDOR:PRODUCT:VERSION:*:*:*:*:*:*:*`),
/// as vulnerability databases keyed by NVD look packages up. One conservative guess per
/// package, of the kind Syft makes first: the product is the package's name and the vendor
/// what the ecosystem says of its publisher (a Maven groupId's organization, a Go module's
/// repository owner, a Composer vendor, an npm scope), else the name again. Nil where no
/// such guess can be made (a Go module on an unknown host, an empty version).
public enum CPE {
    public static func of(_ package: SoftwarePackage) -> String? {
        var vendor = package.name
        var product = package.name
        switch package.ecosystem {
        case .maven:
            // org.apache.commons → apache; com.fasterxml.jackson.core → fasterxml.
            let group = (package.namespace ?? "").split(separator: ".")
            if group.count >= 2 { vendor = String(group[1]) } else if let only = group.first { vendor = String(only) }
        case .golang:
            if package.name == "stdlib" { (vendor, product) = ("golang", "go"); break }
            var parts = package.name.split(separator: "/").map(String.init)
            if parts.count >= 3, let last = parts.last, last.first == "v", last.dropFirst().allSatisfy(\.isNumber) { parts.removeLast() }
            guard parts.count == 3 else { return nil }
            if ["github.com", "gitlab.com", "bitbucket.org"].contains(parts[0]) {
                (vendor, product) = (parts[1], parts[2])
            } else if parts[0] == "golang.org", parts[1] == "x" {
                (vendor, product) = ("golang", parts[2])
            } else {
                return nil
            }
        case .composer, .npm:
            if let namespace = package.namespace, !namespace.isEmpty { vendor = namespace.hasPrefix("@") ? String(namespace.dropFirst()) : namespace }
        default:
            break
        }
        let fields = [vendor.lowercased(), product.lowercased(), package.version].map(escape)
        guard fields.allSatisfy({ !$0.isEmpty }) else { return nil }
        return "cpe:2.3:a:" + fields.joined(separator: ":") + ":*:*:*:*:*:*:*"
    }

    /// CPE 2.3 formatted-string escaping: letters, digits, `-`, `.`, `_` as they are, other
    /// printable ASCII punctuation after a backslash; anything else (spaces, non-ASCII) as `_`.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar.isASCII, "\\*?!\"#$%&'()+,/:;<=>@[]^`{|}~".unicodeScalars.contains(scalar) {
                result += "\\" + String(scalar)
            } else {
                result += "_"
            }
        }
        return result
    }
}
