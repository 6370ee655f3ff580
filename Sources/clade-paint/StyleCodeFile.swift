import CLADE
import Foundation
import ImageFiles

/// A style code as a JSON file: a plain array of the z values, `[0.12, -1.5, ...]` (length `z_dim`).
///
/// Values are written as the shortest decimals that read back to the same float32, so the file reproduces the
/// picture exactly, here or in PyTorch (`torch.tensor(json.load(f), dtype=torch.float32)`).
enum StyleCodeFile {
    /// Reads a style code and checks its length against `zDim`.
    static func read(_ path: String, zDim: Int) throws -> StyleCode {
        try InputFile.checkExists(path, kind: "style code file")
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileProblem(file: path, problem: "cannot read the file")
        }
        let numbers: [Double]
        do {
            numbers = try JSONDecoder().decode([Double].self, from: data)
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            let index = context.codingPath[0].intValue ?? 0
            throw FileProblem(
                file: path,
                problem: "value \(index) of the style code is not a number (a style code is a JSON array of numbers)")
        } catch let DecodingError.valueNotFound(_, context) where !context.codingPath.isEmpty {
            let index = context.codingPath[0].intValue ?? 0
            throw FileProblem(
                file: path,
                problem: "value \(index) of the style code is null (a style code is a JSON array of numbers)")
        } catch DecodingError.typeMismatch {
            throw FileProblem(
                file: path, problem: "not a style code: expected a JSON array of numbers, like [0.12, -1.5, ...]")
        } catch {
            throw FileProblem(
                file: path, problem: "not valid JSON (a style code is a JSON array of numbers, like [0.12, -1.5, ...])")
        }
        guard numbers.count == zDim else {
            throw FileProblem(
                file: path, problem: "the style code has \(numbers.count) values; the model's z_dim is \(zDim)")
        }
        var values: [Float] = []
        values.reserveCapacity(numbers.count)
        for (index, number) in numbers.enumerated() {
            let value = Float(number)
            guard value.isFinite else {
                throw FileProblem(
                    file: path, problem: "value \(index) of the style code, \(number), is beyond the float32 range")
            }
            values.append(value)
        }
        return StyleCode(values: values)
    }

    /// The JSON text of `code`: one line, shortest round-trip float32 decimals.
    static func text(of code: StyleCode) -> String {
        "[" + code.values.map { "\($0)" }.joined(separator: ", ") + "]\n"
    }

    /// Writes `code` atomically (temporary file in the same folder, then rename); an existing file only with `force`.
    static func write(_ code: StyleCode, to path: String, force: Bool) throws {
        if let index = code.values.firstIndex(where: { !$0.isFinite }) {
            throw FileProblem(
                file: path,
                problem: "cannot write the style code: value \(index) is \(code.values[index]), which JSON cannot hold")
        }
        try OutputFile.checkWritable(path, force: force)
        try FileProblem.attributing(to: path) {
            try AtomicFile.write(Data(text(of: code).utf8), to: URL(fileURLWithPath: path), replacing: force)
        }
    }
}
