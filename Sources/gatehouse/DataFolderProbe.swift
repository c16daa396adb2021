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

    /// Ends the verb (exit 1) when the folder holds no log: a mistyped `--data` would
    /// otherwise be made into a new, empty data folder by the verb that was to read it.
    static func requireLog(_ folder: String, verb: String) {
        var isDirectory: ObjCBool = false
        let log = (folder as NSString).appendingPathComponent("log")
        if FileManager.default.fileExists(atPath: log, isDirectory: &isDirectory) && isDirectory.boolValue { return }
        fail("no gateway data in \(folder) (it has no log folder): nothing to \(verb); check --data")
    }
}
