/// What a refreshed eligible set means for picking, after the supplier ran: two rules that hold
/// whatever the supplier is.
public enum Eligibility {
    /// Applies the rules to the set `supplier` produced from `statuses`:
    /// - an instance still waiting for its first health check (added by a reload or by discovery)
    ///   leaves the set, even where the supplier (`static`, or the `max_ejected` cap) took it;
    /// - `readmitted[i]` says whether the `cooldown` supplier's `max_ejected` cap let instance `i` in
    ///   although it is unavailable: it then takes ordinary traffic whatever its breaker says
    ///   (`InstancePicker.admission`). `readmitted` has one entry per status.
    public static func settle(_ eligible: inout EligibleSet, statuses: [InstanceStatus], supplier: SupplierKind,
                              readmitted: inout [Bool]) {
        if statuses.contains(where: \.awaitsFirstCheck) {
            let all = Array(eligible)
            eligible.removeAll()
            for i in all where !statuses[i].awaitsFirstCheck { eligible.append(i) }
        }
        for i in readmitted.indices { readmitted[i] = false }
        guard supplier == .cooldown else { return }
        for i in eligible where !CooldownSupplier.isAvailable(statuses[i]) { readmitted[i] = true }
    }
}
