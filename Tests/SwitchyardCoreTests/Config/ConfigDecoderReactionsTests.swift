import Testing
@testable import SwitchyardCore

@Suite struct ConfigDecoderReactionsTests {
    static let hook: Y = ["url": "https://hooks.example.com/x"]

    @Test("global and per-service reactions are decoded with their defaults")
    func defaults() throws {
        let service: Y = ["name": "orders", "routes": ["/"], "instances": ["http://127.0.0.1:9001"],
                          "reactions": [["on": "instance_down", "log": "null"]]]
        let y: Y = ["services": [service], "reactions": [
            ["on": ["instance_down", "instance_up"], "webhook": Self.hook],
            ["name": "notify", "on": "service_unavailable", "trigger": "3", "every": "5m",
             "exec": ["command": ["/usr/local/bin/notify", "--urgent"]]],
            ["on": "breaker_open", "email": ["relay": "smtp://127.0.0.1:2525", "from": "sy@example.com", "to": "ops@example.com"]],
        ]]
        let config = try decode(y).get()
        #expect(config.reactions == [
            ReactionConfig(name: "webhook#0", on: [.instanceDown, .instanceUp],
                           action: .webhook(url: "https://hooks.example.com/x", headers: [], bodyTemplate: nil,
                                            timeout: .seconds(5), retries: 2, retryDelay: .seconds(1))),
            ReactionConfig(name: "notify", on: [.serviceUnavailable], trigger: 3, every: .seconds(300),
                           action: .exec(command: ["/usr/local/bin/notify", "--urgent"], timeout: .seconds(10), maxRunning: 4)),
            ReactionConfig(name: "email#2", on: [.breakerOpen],
                           action: .email(relay: "smtp://127.0.0.1:2525", from: "sy@example.com", to: ["ops@example.com"],
                                          subject: ConfigDecoder.defaultEmailSubject, timeout: .seconds(10))),
        ])
        #expect(config.services[0].reactions == [ReactionConfig(name: "log#0", on: [.instanceDown], action: .log)])
        #expect(config.summary == "config OK: 1 service, 1 instance, 4 reactions, listen 0.0.0.0:8080, admin 127.0.0.1:9901")
    }

    @Test("a webhook takes headers, a body template, a timeout and retries")
    func webhookKeys() throws {
        let y: Y = ["services": [demoService], "reactions": [["on": "instance_down", "every": "off", "webhook": [
            "url": "http://127.0.0.1:8000/hook", "headers": ["Authorization": "Bearer s3cret", "X-Team": "ops"],
            "body": .quoted(#"{"text":"{{service}}: {{kind}}"}"#), "timeout": "2s", "retries": "0", "retry_delay": "250ms",
        ]]]]
        let r = try decode(y).get().reactions[0]
        #expect(r.every == .zero)
        #expect(r.action == .webhook(url: "http://127.0.0.1:8000/hook", headers: [("Authorization", "Bearer s3cret"), ("X-Team", "ops")],
                                     bodyTemplate: #"{"text":"{{service}}: {{kind}}"}"#, timeout: .seconds(2), retries: 0,
                                     retryDelay: .milliseconds(250)))
    }

    @Test("reaction mistakes are named with their path", arguments: [
        (["on": "instance_dwn", "log": "null"] as Y, "reactions[0].on: `instance_dwn` is not valid; did you mean `instance_down`?"),
        (["on": "instance_down"] as Y, "reactions[0]: a reaction needs one of `webhook`, `exec`, `email`, `log`"),
        (["on": "instance_down", "log": "null", "exec": ["command": ["/bin/true"]]] as Y,
         "reactions[0]: a reaction has one kind; `exec`, `log` are given together (write two reactions)"),
        (["log": "null"] as Y, "reactions[0].on: missing required key `on` (the transitions it reacts to, e.g. [instance_down, instance_up])"),
        (["on": "instance_down", "trigger": "0", "log": "null"] as Y, "reactions[0].trigger: 0 is out of range; must be between 1 and 1000"),
        (["on": "instance_down", "every": "5", "log": "null"] as Y, "reactions[0].every: `5` needs a unit: ns, us, ms, s, m or h (e.g. `5s`)"),
        (["on": "instance_down", "triger": "2", "log": "null"] as Y, "reactions[0].triger: unknown key `triger`; did you mean `trigger`?"),
        (["on": "instance_down", "webhook": ["url": "ftp://x.example.com"]] as Y,
         "reactions[0].webhook.url: URL scheme `ftp` is not allowed; only `http` and `https` are"),
        (["on": "instance_down", "webhook": ["url": "http://x", "tmeout": "1s"]] as Y,
         "reactions[0].webhook.tmeout: unknown key `tmeout`; did you mean `timeout`?"),
        (["on": "instance_down", "webhook": ["url": "http://x", "headers": ["Bad Name": "v"]]] as Y,
         "reactions[0].webhook.headers.Bad Name: `Bad Name` is not a header name (letters, digits and !#$%&'*+-.^_`|~)"),
        (["on": "instance_down", "webhook": ["url": "http://x", "retries": "11"]] as Y,
         "reactions[0].webhook.retries: 11 is out of range; must be between 0 and 10"),
        (["on": "instance_down", "exec": ["command": "/bin/notify"]] as Y,
         "reactions[0].exec.command: expected a non-empty list: the program and its arguments, e.g. [\"/usr/local/bin/notify\", \"--urgent\"] (no shell runs it), got `/bin/notify`"),
        (["on": "instance_down", "exec": ["command": ["bin/notify"]]] as Y,
         "reactions[0].exec.command[0]: `bin/notify` must be an absolute path or a program name looked up in PATH (relative paths depend on the working directory)"),
        (["on": "instance_down", "exec": ["command": ["/bin/true"], "max_running": "0"]] as Y,
         "reactions[0].exec.max_running: 0 is out of range; must be between 1 and 1000"),
        (["on": "instance_down", "email": ["relay": "http://mail", "from": "a@b", "to": "c@d"]] as Y,
         "reactions[0].email.relay: URL scheme `http` is not allowed for a mail relay; only `smtp` and `smtps` are"),
        (["on": "instance_down", "email": ["relay": "smtp://mail:25", "from": "a@b", "to": ["nobody"]]] as Y,
         "reactions[0].email.to[0]: `nobody` is not a mail address like `oncall@example.com`"),
        (["on": "instance_down", "email": ["relay": "smtp://mail:25", "to": "c@d"]] as Y,
         "reactions[0].email.from: missing required key `from` (the sender's address)"),
        (["on": "instance_down", "log": ["level": "info"]] as Y, "reactions[0].log: `log` takes no settings (the line goes to the error log); write `log: null`"),
    ])
    func mistakes(reaction: Y, expected: String) {
        #expect(problems(["services": [demoService], "reactions": [reaction]]) == [expected])
    }

    @Test("names are unique within a list; a service's list is checked under its path")
    func duplicateNames() {
        #expect(problems(["services": [demoService], "reactions": [["name": "a", "on": "instance_up", "log": "null"],
                                                                  ["name": "a", "on": "instance_down", "log": "null"]]])
                == ["reactions[1].name: duplicate reaction name `a` (first at reactions[0])"])
        let service: Y = ["name": "s", "routes": ["/"], "instances": ["http://h"], "reactions": [["on": "instance_up"]]]
        #expect(problems(["services": [service]]) == ["services[0].reactions[0]: a reaction needs one of `webhook`, `exec`, `email`, `log`"])
    }
}
