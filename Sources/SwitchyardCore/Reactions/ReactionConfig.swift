/// One configured reaction (SPEC section 9): which transitions it acts on, how often, and what it runs.
public struct ReactionConfig: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// POST the event as JSON (or `bodyTemplate` filled in) to `url`, through libcurl.
        case webhook(url: String, headers: [(String, String)], bodyTemplate: String?, timeout: Duration, retries: Int,
                     retryDelay: Duration)
        /// Run a program (no shell) with the event in `SWITCHYARD_*` environment variables.
        case exec(command: [String], timeout: Duration, maxRunning: Int)
        /// Send a mail through an SMTP relay (`smtp://host:port`), through libcurl.
        case email(relay: String, from: String, to: [String], subject: String, timeout: Duration)
        /// Write a line to the error log.
        case log

        public static func == (a: Action, b: Action) -> Bool {
            switch (a, b) {
            case let (.webhook(u1, h1, b1, t1, r1, d1), .webhook(u2, h2, b2, t2, r2, d2)):
                u1 == u2 && h1.elementsEqual(h2, by: { $0 == $1 }) && b1 == b2 && t1 == t2 && r1 == r2 && d1 == d2
            case let (.exec(c1, t1, m1), .exec(c2, t2, m2)): c1 == c2 && t1 == t2 && m1 == m2
            case let (.email(r1, f1, to1, s1, t1), .email(r2, f2, to2, s2, t2)):
                r1 == r2 && f1 == f2 && to1 == to2 && s1 == s2 && t1 == t2
            case (.log, .log): true
            default: false
            }
        }

        /// `webhook`, `exec`, `email`, `log`.
        public var kindName: String {
            switch self {
            case .webhook: "webhook"
            case .exec: "exec"
            case .email: "email"
            case .log: "log"
            }
        }
    }

    /// A name for logs and `/stats` (default: the kind and position, e.g. `webhook#0`).
    public var name: String
    public var on: [ReactionEvent.Kind]
    public var trigger: Int
    public var every: Duration
    public var action: Action

    public init(name: String, on: [ReactionEvent.Kind], trigger: Int = 1, every: Duration = .zero, action: Action) {
        self.name = name
        self.on = on
        self.trigger = trigger
        self.every = every
        self.action = action
    }
}
