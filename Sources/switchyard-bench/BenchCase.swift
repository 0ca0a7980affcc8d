/// One micro benchmark: a name for the table and a body that performs the operation `iterations`
/// times in its own loop (no closure call per operation), returning a value derived from the work so
/// the optimiser cannot drop it.
struct BenchCase: Sendable {
    let name: String
    let run: @Sendable (_ iterations: Int) -> Int
}
