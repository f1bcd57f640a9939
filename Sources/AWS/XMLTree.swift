import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small XML element tree for the Query (STS, SNS) and REST-XML (S3) protocols' answers.
public final class XMLTree: @unchecked Sendable {
    public let name: String
    public private(set) var text = ""
    public private(set) var children: [XMLTree] = []

    init(name: String) { self.name = name }

    /// Parses a document; nil when it is not well-formed XML.
    public static func parse(_ bytes: [UInt8]) -> XMLTree? {
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        guard parser.parse() else { return nil }
        return builder.root
    }

    /// The first descendant reached by following child names (the element itself excluded).
    public func first(_ path: String...) -> XMLTree? { first(path) }

    public func first(_ path: [String]) -> XMLTree? {
        guard let head = path.first else { return self }
        for child in children where child.name == head {
            if let found = child.first(Array(path.dropFirst())) { return found }
        }
        return nil
    }

    /// The first element named `name` anywhere below.
    public func find(_ name: String) -> XMLTree? {
        for child in children {
            if child.name == name { return child }
            if let found = child.find(name) { return found }
        }
        return nil
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        private var stack: [XMLTree] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let element = XMLTree(name: elementName)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if let element = stack.popLast() { element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
