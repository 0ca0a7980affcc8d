/// Picks the instance for an attempt: the selector draws candidates, an accept step admits or refuses
/// each (Pingora's `select_with`), and a refused candidate is left out of the next draw.
public enum InstancePicker {
    /// A candidate's admission.
    public enum Admission: Sendable, Equatable {
        /// Ordinary traffic.
        case ordinary
        /// A half-open breaker's probe (a slot was taken: the attempt must end to free it).
        case probe
        case refused
    }

    /// The chosen instance, and whether the attempt is a probe.
    public struct Pick: Sendable, Equatable {
        public var instance: Int
        public var isProbe: Bool
        public init(instance: Int, isProbe: Bool) {
            self.instance = instance
            self.isProbe = isProbe
        }
    }

    /// Draws with `select` (which never returns an index in its argument) until `accept` admits one;
    /// nil when the selector runs out.
    @inlinable
    public static func pick(excluding tried: TriedInstances, select: (TriedInstances) -> Int?,
                            accept: (Int) -> Admission) -> Pick? {
        var excluded = tried
        while let i = select(excluded) {
            switch accept(i) {
            case .ordinary: return Pick(instance: i, isProbe: false)
            case .probe: return Pick(instance: i, isProbe: true)
            case .refused: excluded.insert(i)
            }
        }
        return nil
    }

    /// The accept rule. A closed breaker takes traffic. Otherwise the instance takes a probe when its
    /// breaker (half-open by now, whatever `breaker` saw at the last refresh) has a free slot
    /// (`acquireProbe`, which takes it). Failing that it still takes
    /// ordinary traffic when the supplier is `static` (every instance, whatever its breaker: SPEC 1.4)
    /// or when `max_ejected` readmitted it (`readmittedByCap`: the cap promised the service this
    /// instance rather than a 503). Anything else is refused.
    @inlinable
    public static func admission(breaker: BreakerPhase, readmittedByCap: Bool, supplier: SupplierKind,
                                 acquireProbe: () -> Bool) -> Admission {
        if breaker == .closed { return .ordinary }
        if acquireProbe() { return .probe }
        if supplier == .static || readmittedByCap { return .ordinary }
        return .refused
    }
}
