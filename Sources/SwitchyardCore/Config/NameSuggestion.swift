/// "Did you mean …?" for misspelt keys and enum values, by edit distance.
public enum NameSuggestion {
    /// The candidate closest to `name` when it is close enough to be a likely typo, else nil.
    ///
    /// Close enough: a case-insensitive edit distance (`distance`) of at most 1 for names up to 4
    /// characters, 2 up to 8, and 3 beyond. Ties go to the earlier candidate.
    public static func suggest(_ name: String, from candidates: [String]) -> String? {
        let lowered = Array(name.lowercased().utf8)
        let limit = lowered.count <= 4 ? 1 : (lowered.count <= 8 ? 2 : 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(lowered, Array(candidate.lowercased().utf8))
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// The edit distance between two byte strings: inserts, deletes, substitutions and swaps of two
    /// adjacent bytes each cost 1 (optimal string alignment), so `hihg` is one step from `high`.
    public static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }

    /// `" (did you mean `x`?)"` or an empty string: ready to append to a message.
    public static func hint(_ name: String, from candidates: [String]) -> String {
        guard let s = suggest(name, from: candidates) else { return "" }
        return "; did you mean `\(s)`?"
    }
}
