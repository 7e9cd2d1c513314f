import Foundation
import SwiftrackCommands

// Everything, the wiring included, is in SwiftrackCommands (so tests can import it); this file
// only hands it the process's arguments and environment.
exit(SwiftrackCommandLine.run(Array(CommandLine.arguments.dropFirst()),
                              environment: ProcessInfo.processInfo.environment))
