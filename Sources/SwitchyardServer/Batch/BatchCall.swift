import SwitchyardCore

/// One running part of a batch, as its `BatchRun` sees it: a service part (`ServicePartCall`) or a
/// URL part (`URLPartCall`). It reports its end once, through `BatchRun.partEnded`.
protocol BatchCall: AnyObject {
    /// The part is past its deadline or the batch is gone: stop, report nothing, and never park a
    /// half-read connection.
    func cancel()
}
