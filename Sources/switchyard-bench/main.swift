import Glibc

// switchyard-bench: micro benchmarks of the core's per-request work.
//
//   switchyard-bench                      time every benchmark, print a ns/op table (median of runs)
//   switchyard-bench --filter json        only benchmarks whose name contains "json"
//   switchyard-bench --list               print the benchmark names
//   switchyard-bench --only NAME --iterations N
//                                         run NAME exactly N times, untimed: for
//                                         `valgrind --tool=callgrind` (see scripts/callgrind-bench.sh)

let usage = "usage: switchyard-bench [--filter TEXT] [--runs R] | --list | --only NAME --iterations N"
var filter: String? = nil
var only: String? = nil
var iterations: Int? = nil
var runner = BenchRunner()
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--list":
        for b in CoreBenchmarks.all { print(b.name) }
        exit(0)
    case "--filter": filter = args.popFirst()
    case "--only": only = args.popFirst()
    case "--iterations": iterations = args.popFirst().flatMap { Int($0) }
    case "--runs": runner.runs = args.popFirst().flatMap { Int($0) }.map { max($0, 1) } ?? runner.runs
    case "-h", "--help": print(usage); exit(0)
    default: print(usage); exit(2)
    }
}

if let iterations {
    let selected = CoreBenchmarks.all.filter { only == nil || $0.name == only }
    guard !selected.isEmpty else { print("no benchmark named \(only ?? "")"); exit(2) }
    for b in selected { BenchRunner.sink &+= b.run(iterations) }
    print("ran \(selected.count) benchmark(s) x \(iterations) iterations (sink \(BenchRunner.sink & 0xFF))")
    exit(0)
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return right ? fill + s : s + fill
}

func format(_ ns: Double) -> String {
    let hundredths = Int(ns * 100 + 0.5)
    let whole = hundredths / 100
    let frac = hundredths % 100
    return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
}

print("| \(pad("benchmark", 24)) | \(pad("ns/op", 12, right: true)) | \(pad("iterations/run", 14, right: true)) |")
print("|\(String(repeating: "-", count: 26))|\(String(repeating: "-", count: 13)):|\(String(repeating: "-", count: 15)):|")
for b in CoreBenchmarks.all where filter.map({ b.name.contains($0) }) ?? true {
    let (ns, n) = runner.measure(b)
    print("| \(pad(b.name, 24)) | \(pad(format(ns), 12, right: true)) | \(pad(String(n), 14, right: true)) |")
}
