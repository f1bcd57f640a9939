/// A DynamoDB attribute value in the wire form (`{"S": "…"}`, `{"N": "12"}`, `{"SS": […]}`,
/// `{"M": {…}}`, …). Numbers travel as strings, as DynamoDB requires.
public indirect enum DynamoDBAttributeValue: Codable, Equatable, Sendable {
    case string(String)
    case number(String)
    case stringSet([String])
    case map([String: DynamoDBAttributeValue])
    case list([DynamoDBAttributeValue])
    case bool(Bool)
    case null

    private enum Key: String, CodingKey { case S, N, SS, M, L, BOOL, NULL }

    /// A number attribute from an integer.
    public static func integer(_ value: Int64) -> DynamoDBAttributeValue { .number(String(value)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: .S)
        case .number(let value): try container.encode(value, forKey: .N)
        case .stringSet(let values): try container.encode(values, forKey: .SS)
        case .map(let values): try container.encode(values, forKey: .M)
        case .list(let values): try container.encode(values, forKey: .L)
        case .bool(let value): try container.encode(value, forKey: .BOOL)
        case .null: try container.encode(true, forKey: .NULL)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let value = try container.decodeIfPresent(String.self, forKey: .S) { self = .string(value) }
        else if let value = try container.decodeIfPresent(String.self, forKey: .N) { self = .number(value) }
        else if let value = try container.decodeIfPresent([String].self, forKey: .SS) { self = .stringSet(value) }
        else if let value = try container.decodeIfPresent([String: DynamoDBAttributeValue].self, forKey: .M) { self = .map(value) }
        else if let value = try container.decodeIfPresent([DynamoDBAttributeValue].self, forKey: .L) { self = .list(value) }
        else if let value = try container.decodeIfPresent(Bool.self, forKey: .BOOL) { self = .bool(value) }
        else { self = .null }
    }
}
