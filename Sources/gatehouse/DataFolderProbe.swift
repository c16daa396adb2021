import Foundation
import Glibc

/// Whether a running gateway holds a data folder, asked before an offline recovery verb
/// opens it, so the refusal can point at `--url` instead of only saying "in use". It tries
/// the same exclusive `flock` the gateway takes on `LOCK` and lets go at once; a folder
/// without that file has never been served.
enum DataFolderProbe {
    static func isHeld(_ folder: String) -> Bool {
        let fd = open((folder as NSString).appendingPathComponent("LOCK"), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// Ends the verb (exit 1) with the advice when the folder is held.
    static func requireFree(_ folder: String, verb: String) {
        guard isHeld(folder) else { return }
        fail("data folder \(folder) is held by a running gateway: pass --url http://HOST:PORT (and --token-env VAR "
             + "if it has an operator_token) to \(verb) through it, or stop it first")
    }
}
