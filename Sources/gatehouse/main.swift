import Foundation
import Gateway

/// `gatehouse VERB [options]`: a thin shell over the Gateway module.
enum Verbs {
    static let all: [any Command.Type] = [ServeCommand.self, CheckCommand.self, ReplayCommand.self, RedeliverCommand.self, SignCommand.self, StatusCommand.self, SimulateCommand.self]
}

func printUsage() {
    var text = "gatehouse \(Gateway.version): a webhook gateway with a durable event log\n\nusage: gatehouse VERB [options]   (gatehouse VERB --help for each)\n\n"
    // Pad to the longest name: a fixed width cut "redeliver" short.
    let width = Verbs.all.map { $0.name.count }.max() ?? 0
    for c in Verbs.all { text += "  \(c.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(c.summary)\n" }
    print(text, terminator: "")
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gatehouse: \(message)\n".utf8))
    exit(1)
}

let argv = Array(CommandLine.arguments.dropFirst())
guard let verb = argv.first, verb != "--help", verb != "-h", verb != "help" else {
    printUsage()
    exit(argv.isEmpty ? 2 : 0)
}
guard let command = Verbs.all.first(where: { $0.name == verb }) else {
    printUsage()
    fail("unknown verb \"\(verb)\"")
}
let rest = Array(argv.dropFirst())
if rest.contains("--help") || rest.contains("-h") {
    print(command.usage)
    exit(0)
}
do {
    let arguments = try Arguments(rest, options: command.options, flags: command.flags)
    exit(try command.run(arguments))
} catch let error as UsageError {
    fail("\(error)\nusage: \(command.usage.split(separator: "\n").first ?? "")")
} catch {
    fail("\(error)")
}
