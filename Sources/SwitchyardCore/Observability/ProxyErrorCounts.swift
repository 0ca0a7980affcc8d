/// How many error answers the proxy wrote itself (SPEC section 4: 400 ... 504 made by the proxy,
/// not relayed from an upstream), by `ProxyError`, for one service or for the requests that no
/// service matched. A value read from the shell's live counters for `/stats` and `/metrics`.
public struct ProxyErrorCounts: Sendable, Equatable {
    private var counts: [Int]

    /// All zero.
    public init() {
        counts = Array(repeating: 0, count: ProxyError.allCases.count)
    }

    /// Counts read through `count(of:)`, e.g. from atomic counters.
    public init(_ count: (ProxyError) -> Int) {
        counts = ProxyError.allCases.map(count)
    }

    /// Answers written with `error`.
    public subscript(error: ProxyError) -> Int {
        get { counts[error.index] }
        set { counts[error.index] = newValue }
    }

    /// Answers written, every error together.
    public var total: Int { counts.reduce(0, +) }
}
