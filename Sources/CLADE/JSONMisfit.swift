import Foundation

/// Finds the key behind Foundation's "not valid JSON" for a document that is valid JSON: `JSONDecoder` reports a
/// number that does not fit its field (`"ngf": 32.5`, a seed of -1, 1e39 for a Float) that way, without the key.
public enum JSONMisfit {
    /// For `error`, the decoder's complaint about `data`: the top-level key whose value `type` cannot take, as
    /// `"'ngf': 32.5 is not a whole number"`, or nil when the error names its key, `data` is not a JSON object,
    /// or no single key is to blame.
    public static func describe<T: Decodable>(_ error: any Error, in data: Data, decoding type: T.Type) -> String? {
        guard case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        // The culprit is the key whose numbers, set to 0, make the complaint go away (or turn into another one).
        for key in object.keys.sorted() where holdsNumbers(object[key]!) {
            var changed = object
            changed[key] = zeroed(object[key]!)
            guard let text = try? JSONSerialization.data(withJSONObject: changed) else { continue }
            do {
                _ = try JSONDecoder().decode(type, from: text)
            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                continue
            } catch {}
            return "'\(key)': " + problem(with: object[key]!)
        }
        return nil
    }

    private static func isNumber(_ value: Any) -> Bool { value is NSNumber && !(value is Bool) }

    private static func holdsNumbers(_ value: Any) -> Bool {
        switch value {
        case let array as [Any]: array.contains(where: holdsNumbers)
        case let object as [String: Any]: object.values.contains(where: holdsNumbers)
        default: isNumber(value)
        }
    }

    private static func zeroed(_ value: Any) -> Any {
        switch value {
        case let array as [Any]: array.map(zeroed)
        case let object as [String: Any]: object.mapValues(zeroed)
        default: isNumber(value) ? 0 : value
        }
    }

    private static func problem(with value: Any) -> String {
        guard isNumber(value), let number = value as? NSNumber else {
            return "holds a number that does not fit (not a whole number, or out of range)"
        }
        let double = number.doubleValue
        if double.rounded() != double { return "\(number) is not a whole number" }
        return "\(number) is out of range for this key"
    }
}
