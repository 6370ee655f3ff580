/// How a model's edge and ICPE distance maps are made from a label map and its instance map
/// (docs/conditioning.md, section 6): part of the model's config, because a generator only draws well from maps
/// made the way its training data made them.
///
/// `painted` (the default, also for files that do not say) is the painter's own rule set, which the landscape models
/// were trained with. The public SPADE/CLADE checkpoints follow their data loaders (`official(...)`).
public struct ConditioningConventions: Sendable, Equatable, Codable {
    /// Which neighbours are separated by an edge.
    public enum EdgeRule: String, Sendable, Codable {
        /// The (class, instance) pair differs: touching stuff classes are separated too.
        case classAndInstance = "class_and_instance"
        /// The instance value differs (SPADE's `get_edges` on the instance map alone).
        case instance
    }

    /// What one ICPE object is.
    public enum ObjectRule: String, Sendable, Codable {
        /// A connected region of one (class, instance) pair.
        case classAndInstance = "class_and_instance"
        /// A connected region of one class, whatever its instances (CLADE's `cal_dist_masks.py`).
        case classRegion = "class"
    }

    /// The class whose pixels get no ICPE encoding (0).
    public enum IgnoredClass: Sendable, Equatable, Codable {
        /// Every class is encoded.
        case none
        /// The dontcare class (index `label_nc`), where the model has one.
        case dontcare
        /// One class index (the official code skips raw label value 0, which is a real class in COCO-Stuff and
        /// Cityscapes).
        case index(Int)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) {
                self = .index(index)
                return
            }
            switch try container.decode(String.self) {
            case "none": self = .none
            case "dontcare": self = .dontcare
            case let other:
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "icpe_ignored_class is '\(other)'; expected 'none', 'dontcare' or a class index")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .none: try container.encode("none")
            case .dontcare: try container.encode("dontcare")
            case .index(let index): try container.encode(index)
            }
        }
    }

    /// Where the distance map is computed.
    public enum DistanceMapSize: String, Sendable, Codable {
        /// On the label map at the picture's size.
        case picture
        /// On the label file at its own size, then nearest-resized to the picture (PyTorch `F.interpolate`), as the
        /// official loaders read the precomputed `.npy` maps.
        case source
    }

    public var edges: EdgeRule
    public var icpeObjects: ObjectRule
    public var icpeIgnoredClass: IgnoredClass
    public var icpeMapSize: DistanceMapSize

    enum CodingKeys: String, CodingKey, CaseIterable {
        case edges
        case icpeObjects = "icpe_objects"
        case icpeIgnoredClass = "icpe_ignored_class"
        case icpeMapSize = "icpe_map_size"
    }

    public init(edges: EdgeRule, icpeObjects: ObjectRule, icpeIgnoredClass: IgnoredClass, icpeMapSize: DistanceMapSize)
    {
        self.edges = edges
        self.icpeObjects = icpeObjects
        self.icpeIgnoredClass = icpeIgnoredClass
        self.icpeMapSize = icpeMapSize
    }

    /// The painter's rules: class and instance for edges and objects, dontcare not encoded, at the picture's size.
    public static let painted = ConditioningConventions(
        edges: .classAndInstance, icpeObjects: .classAndInstance, icpeIgnoredClass: .dontcare, icpeMapSize: .picture)

    /// The official SPADE/CLADE loaders' rules: edges from the instance map alone, ICPE objects are class regions
    /// computed on the label file at its own size, and the class of raw label value 0 is not encoded.
    public static func official(rawZeroClass: Int) -> ConditioningConventions {
        ConditioningConventions(
            edges: .instance, icpeObjects: .classRegion, icpeIgnoredClass: .index(rawZeroClass), icpeMapSize: .source)
    }

    /// The class index that gets no ICPE encoding for a model with `labelNC` classes (+ dontcare), or nil.
    public func ignoredClass(labelNC: Int, containDontcareLabel: Bool) -> Int32? {
        switch icpeIgnoredClass {
        case .none: nil
        case .dontcare: containDontcareLabel ? Int32(labelNC) : nil
        case .index(let index): Int32(index)
        }
    }
}
