import Foundation
import Testing

@testable import CLADE

@Suite("ModelConfig")
struct ModelConfigTests {
    @Test("block layout of a 'normal' generator")
    func normalBlocks() {
        let config = GeneratorControlTests.config(ngf: 4)
        #expect(config.blocks.map(\.name) == ["head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3"])
        #expect(config.blocks.map(\.inputChannels) == [64, 64, 64, 64, 32, 16, 8])
        #expect(config.blocks.map(\.outputChannels) == [64, 64, 64, 32, 16, 8, 4])
        #expect(config.blocks.map(\.upsampledBefore) == [false, true, false, true, true, true, true])
        #expect(config.blocks.map(\.learnedShortcut) == [false, false, false, true, true, true, true])
        #expect(config.headWidth == 2 && config.problems.isEmpty)
    }

    @Test("'more' upsamples before G_middle_1; 'most' adds up_4 at ngf / 2")
    func moreAndMost() {
        let more = GeneratorControlTests.config(upsampling: .more, width: 128, height: 64)
        #expect(more.blocks.map(\.upsampledBefore) == [false, true, true, true, true, true, true])
        let most = GeneratorControlTests.config(upsampling: .most, width: 256, height: 128, ngf: 4)
        #expect(
            most.blocks.last!.name == "up_4" && most.blocks.last!.outputChannels == 2 && most.headWidth == 2
                && most.headHeight == 1)
    }

    /// The picture-size rule in the words of the PyTorch twin (`ModelConfig.size_problem`), from size_rule.json
    /// written by Training/make_fixtures.py: the same sizes are drawn and refused on both sides.
    @Test("the picture-size rule is the PyTorch twin's")
    func sizeRuleMatchesPython() throws {
        struct Case: Decodable {
            let config: ModelConfig
            let sizes: [[SizeVerdict]]
        }
        enum SizeVerdict: Decodable {
            case number(Int)
            case problem(String?)
            init(from decoder: any Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let number = try? value.decode(Int.self) {
                    self = .number(number)
                } else {
                    self = .problem(try value.decode(String?.self))
                }
            }
        }
        struct Rule: Decodable { let cases: [Case] }
        let data = try Data(contentsOf: Fixtures.folder.appendingPathComponent("size_rule.json"))
        let rule = try JSONDecoder().decode(Rule.self, from: data)
        #expect(rule.cases.count >= 5)
        var drawn = 0
        for ruleCase in rule.cases {
            for size in ruleCase.sizes {
                guard case .number(let width) = size[0], case .number(let height) = size[1],
                    case .problem(let expected) = size[2]
                else {
                    Issue.record("size_rule.json: a size is [width, height, problem or null]")
                    continue
                }
                #expect(ruleCase.config.sizeProblem(width: width, height: height) == expected, "\(width)x\(height)")
                if expected == nil { drawn += 1 }
            }
        }
        #expect(drawn > 0 && drawn < rule.cases.count * rule.cases[0].sizes.count)
    }

    @Test("inconsistent configs list every problem")
    func problems() {
        var config = GeneratorControlTests.config()
        config.width = 40
        config.blockNorms = [.spade]
        config.classNames = ["x"]
        config.stylePresets = ["dusk": [1]]
        config.useICPE = true
        let problems = config.problems
        #expect(problems.contains("width 40 is not a positive multiple of 2^5 = 32"))
        #expect(problems.contains { $0.hasPrefix("block_norms has 1 entries") })
        #expect(problems.contains("architecture is clade but block_norms contains spade"))
        #expect(problems.contains("class_names has 1 names; the class bank has 3 rows (label_nc 3)"))
        #expect(problems.contains("style preset 'dusk' has 1 values; z_dim is 8"))
        #expect(problems.contains { $0.hasPrefix("use_icpe needs at least one CLADE block") })
    }

    @Test("JSON round trip with the model file's keys")
    func json() throws {
        let config = GeneratorControlTests.config(edges: true)
        let data = try JSONEncoder().encode(config)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(Set(keys) == ModelConfig.keys)
        #expect(try JSONDecoder().decode(ModelConfig.self, from: data) == config)
    }

    @Test("a config without conditioning conventions takes the painter's; official ones round-trip")
    func conditioningConventions() throws {
        var config = GeneratorControlTests.config(edges: true)
        var object = try #require(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(config)) as? [String: Any])
        object["conditioning"] = nil
        let old = try JSONDecoder().decode(ModelConfig.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.conditioning == .painted)

        config.conditioning = .official(rawZeroClass: 0)
        let data = try JSONEncoder().encode(config)
        let text = String(decoding: data, as: UTF8.self)
        #expect(
            text.contains("\"icpe_ignored_class\":0") && text.contains("\"edges\":\"instance\"")
                && text.contains("\"icpe_objects\":\"class\""))
        #expect(try JSONDecoder().decode(ModelConfig.self, from: data) == config)
        #expect(config.conditioning.ignoredClass(labelNC: 3, containDontcareLabel: false) == 0)
        #expect(ConditioningConventions.painted.ignoredClass(labelNC: 3, containDontcareLabel: true) == 3)
        #expect(ConditioningConventions.painted.ignoredClass(labelNC: 3, containDontcareLabel: false) == nil)

        config.conditioning.icpeIgnoredClass = .index(3)
        #expect(config.problems == ["conditioning.icpe_ignored_class is 3; the class bank has rows 0 to 2"])
        object["conditioning"] = [
            "edges": "instance", "icpe_objects": "class", "icpe_ignored_class": "everything", "icpe_map_size": "source",
        ]
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ModelConfig.self, from: try JSONSerialization.data(withJSONObject: object))
        }
    }
}
