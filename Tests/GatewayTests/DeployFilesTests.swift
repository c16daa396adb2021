import Foundation
import Gateway
import Notify
import Signing
import XCTest

/// The deploy files (deploy/systemd, deploy/docker, deploy/kubernetes) checked against each
/// other and against the gateway itself: the facts that would break a deployment if they
/// drifted (paths, ports, probes, grace periods, secret names, hardening).
///
/// Foundation has no YAML parser, so the Kubernetes files are read by python3 with PyYAML
/// (scripts/setup.sh installs it) and handed over as JSON. `systemd-analyze verify` runs when
/// the tool is present (it is, from Debian's systemd package, on this project's machines);
/// the unit's directives are checked by reading the file in any case.
final class DeployFilesTests: XCTestCase {
    // MARK: - Kubernetes

    /// Applying the folder must not overwrite the real Secret with the example's placeholders.
    func testApplyingTheKubernetesFolderTakesNoSecret() throws {
        let docs = try Deploy.kubernetesDocuments()
        let applied = docs.filter { Deploy.isAppliedByFolder($0.key) }
        XCTAssertFalse(applied.isEmpty)
        for (file, list) in applied {
            XCTAssertFalse(list.contains { $0["kind"] as? String == "Secret" },
                           "kubectl apply -f deploy/kubernetes/ would apply the Secret in \(file)")
        }
        XCTAssertTrue(docs.contains { !Deploy.isAppliedByFolder($0.key) && $0.value.contains { $0["kind"] as? String == "Secret" } },
                      "the example Secret is missing")
    }

    func testKubernetesManifestsFitTogether() throws {
        let docs = try Deploy.kubernetesDocuments()
        for (file, list) in docs {
            XCTAssertFalse(list.isEmpty, "\(file) holds no document")
            for doc in list {
                XCTAssertNotNil(doc["apiVersion"] as? String, "\(file): a document without apiVersion")
                XCTAssertNotNil(J.string(doc, "metadata.name"), "\(file): a document without metadata.name")
                XCTAssertEqual(J.dict(doc, "metadata.labels")?["app.kubernetes.io/name"] as? String, "gatehouse", "\(file): label")
            }
        }
        let all = docs.values.flatMap { $0 }
        func kind(_ k: String) -> [[String: Any]] { all.filter { $0["kind"] as? String == k } }

        // One StatefulSet of exactly one replica: the log is single-writer.
        let sets = kind("StatefulSet")
        XCTAssertEqual(sets.count, 1, "exactly one StatefulSet")
        let sts = try XCTUnwrap(sets.first)
        XCTAssertEqual(J.int(sts, "spec.replicas"), 1, "the log has one writer: replicas must be 1")
        let pod = try XCTUnwrap(J.dict(sts, "spec.template.spec"))
        let containers = try XCTUnwrap(pod["containers"] as? [[String: Any]])
        XCTAssertEqual(containers.count, 1)
        let c = try XCTUnwrap(containers.first)

        // The command's folders are the mounts.
        let command = (c["command"] as? [String] ?? []) + (c["args"] as? [String] ?? [])
        XCTAssertTrue(command.contains("serve"), "the container must run gatehouse serve: \(command)")
        let flags = Deploy.flags(command)
        let mounts = Dictionary((c["volumeMounts"] as? [[String: Any]] ?? []).compactMap { m -> (String, String)? in
            guard let name = m["name"] as? String, let path = m["mountPath"] as? String else { return nil }
            return (path, name)
        }, uniquingKeysWith: { a, _ in a })
        let volumes = Dictionary((pod["volumes"] as? [[String: Any]] ?? []).compactMap { v -> (String, [String: Any])? in
            guard let name = v["name"] as? String else { return nil }
            return (name, v)
        }, uniquingKeysWith: { a, _ in a })

        let dataPath = try XCTUnwrap(flags["--data"], "--data missing from \(command)")
        XCTAssertEqual(dataPath, "/var/lib/gatehouse")
        let dataVolume = try XCTUnwrap(mounts[dataPath], "nothing mounted at \(dataPath)")
        let claims = try XCTUnwrap(J.array(sts, "spec.volumeClaimTemplates") as? [[String: Any]], "volumeClaimTemplates missing")
        let claim = try XCTUnwrap(claims.first { J.string($0, "metadata.name") == dataVolume },
                                  "the data mount \(dataVolume) is not a volumeClaimTemplate")
        XCTAssertTrue((J.array(claim, "spec.accessModes") as? [String] ?? []).contains("ReadWriteOnce"))
        XCTAssertNotNil(J.string(claim, "spec.resources.requests.storage"), "the claim must request a size")
        XCTAssertNil(volumes[dataVolume], "the data volume must come from the claim template, not a pod volume")

        let configFile = try XCTUnwrap(flags["--config"], "--config missing from \(command)")
        let configDir = (configFile as NSString).deletingLastPathComponent
        let configVolume = try XCTUnwrap(mounts[configDir].flatMap { volumes[$0] }, "no volume mounted at \(configDir)")
        let configMapName = try XCTUnwrap(J.string(configVolume, "configMap.name"), "the config volume must be a ConfigMap")
        let routesDir = try XCTUnwrap(flags["--routes"], "--routes missing from \(command)")
        let routesVolume = try XCTUnwrap(mounts[routesDir].flatMap { volumes[$0] }, "no volume mounted at \(routesDir)")
        let routesMapName = try XCTUnwrap(J.string(routesVolume, "configMap.name"), "the routes volume must be a ConfigMap")

        // The config ConfigMap holds a production config whose folders match the command.
        let maps = kind("ConfigMap")
        let configMap = try XCTUnwrap(maps.first { J.string($0, "metadata.name") == configMapName }, "no ConfigMap \(configMapName)")
        let configText = try XCTUnwrap(J.dict(configMap, "data")?[(configFile as NSString).lastPathComponent] as? String,
                                       "ConfigMap \(configMapName) has no key \((configFile as NSString).lastPathComponent)")
        let configuration = try Deploy.loadConfiguration(text: configText)
        Deploy.assertProduction(configuration, "configmap.yaml")
        XCTAssertEqual(configuration.data, dataPath, "config.json data differs from --data")
        XCTAssertEqual(configuration.routes, routesDir, "config.json routes differs from --routes")
        // The routes ConfigMap is made from routes/ (no copy to drift); its recipe must be there.
        if !maps.contains(where: { J.string($0, "metadata.name") == routesMapName }) {
            let text = try String(contentsOf: Deploy.root.appendingPathComponent("deploy/kubernetes/configmap.yaml"), encoding: .utf8)
            XCTAssertTrue(text.contains("kubectl create configmap \(routesMapName) --from-file=routes/"),
                          "ConfigMap \(routesMapName) is neither defined nor explained in configmap.yaml")
        }

        // Probes and the port.
        let ports = c["ports"] as? [[String: Any]] ?? []
        let http = try XCTUnwrap(ports.first { $0["name"] as? String == "http" }, "no container port named http")
        let listenPort = Int(configuration.listen.split(separator: ":").last ?? "")
        XCTAssertEqual(http["containerPort"] as? Int, listenPort, "containerPort differs from config.json listen")
        for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
            XCTAssertEqual(J.string(c, "\(probe).httpGet.path"), path, probe)
            let port = J.value(c, "\(probe).httpGet.port")
            XCTAssertTrue(port as? String == "http" || port as? Int == listenPort, "\(probe) port \(String(describing: port))")
        }

        // Stopping: the pod must outlive preStop + the gateway's grace + its 5 s action drain.
        let grace = try XCTUnwrap(J.int(pod, "terminationGracePeriodSeconds"), "terminationGracePeriodSeconds missing")
        var preStop = 0
        if let exec = J.array(c, "lifecycle.preStop.exec.command") as? [String], exec.first == "sleep" {
            preStop = Int(exec.last ?? "") ?? 0
        } else if let seconds = J.int(c, "lifecycle.preStop.sleep.seconds") {
            preStop = seconds
        }
        let needed = Double(preStop) + configuration.shutdownGraceSeconds + Deploy.actionDrainSeconds
        XCTAssertGreaterThan(Double(grace), needed, "terminationGracePeriodSeconds \(grace) ≤ preStop \(preStop) + shutdown grace \(configuration.shutdownGraceSeconds) + the rest of a stop \(Deploy.actionDrainSeconds)")

        // Least privilege.
        XCTAssertEqual(J.value(pod, "securityContext.runAsNonRoot") as? Bool, true, "pod runAsNonRoot")
        if let uid = J.int(pod, "securityContext.runAsUser") { XCTAssertNotEqual(uid, 0) }
        XCTAssertEqual(J.value(c, "securityContext.readOnlyRootFilesystem") as? Bool, true, "readOnlyRootFilesystem")
        XCTAssertEqual(J.value(c, "securityContext.allowPrivilegeEscalation") as? Bool, false, "allowPrivilegeEscalation")
        XCTAssertTrue((J.array(c, "securityContext.capabilities.drop") as? [String] ?? []).contains("ALL"), "capabilities must drop ALL")
        XCTAssertNil(J.value(c, "securityContext.capabilities.add"), "no capability may be added")
        for key in ["requests.cpu", "requests.memory", "limits.memory"] {
            XCTAssertNotNil(J.value(c, "resources.\(key)"), "resources.\(key) missing")
        }
        if let loops = configuration.loops, let cpu = J.value(c, "resources.limits.cpu") {
            XCTAssertLessThanOrEqual(Double(loops), Deploy.cpus("\(cpu)"), "more event loops than the CPU limit")
        }

        // Secrets come in as environment variables from the Secret.
        let secrets = kind("Secret")
        XCTAssertEqual(secrets.count, 1, "exactly one Secret (the example)")
        let secretName = try XCTUnwrap(secrets.first.flatMap { J.string($0, "metadata.name") })
        let envFrom = c["envFrom"] as? [[String: Any]] ?? []
        XCTAssertTrue(envFrom.contains { J.string($0, "secretRef.name") == secretName }, "envFrom must reference Secret \(secretName)")

        // Services select the pod and reach its http port; the headless one is serviceName.
        let services = kind("Service")
        XCTAssertFalse(services.isEmpty, "no Service")
        let podLabels = J.dict(sts, "spec.template.metadata.labels") ?? [:]
        for service in services {
            let name = J.string(service, "metadata.name") ?? "?"
            let selector = J.dict(service, "spec.selector") ?? [:]
            XCTAssertFalse(selector.isEmpty, "Service \(name) selects nothing")
            for (k, v) in selector { XCTAssertEqual(podLabels[k] as? String, v as? String, "Service \(name) selector \(k)") }
            for port in J.array(service, "spec.ports") as? [[String: Any]] ?? [] {
                let target = port["targetPort"]
                XCTAssertTrue(target as? String == "http" || target as? Int == listenPort, "Service \(name) targetPort \(String(describing: target))")
            }
        }
        let serviceName = try XCTUnwrap(J.string(sts, "spec.serviceName"))
        let headless = services.first { J.string($0, "metadata.name") == serviceName }
        XCTAssertEqual(headless.flatMap { J.string($0, "spec.clusterIP") }, "None", "spec.serviceName must name a headless Service")
    }

    /// The manifests against Kubernetes' own OpenAPI schemas, offline (kubernetes-validate from
    /// PyPI, installed by scripts/setup.sh when it can be).
    func testKubernetesManifestsMatchTheAPISchemas() throws {
        guard try Shell.run(["python3", "-c", "import kubernetes_validate"]).status == 0 else {
            throw XCTSkip("kubernetes-validate is not installed (pip install kubernetes-validate); structural checks still ran")
        }
        let files = try Deploy.kubernetesFiles().map(\.path)
        let result = try Shell.run(["python3", "-m", "kubernetes_validate", "--strict", "--quiet"] + files)
        XCTAssertEqual(result.status, 0, "kubernetes-validate:\n\(result.out)\(result.err)")
    }

    // MARK: - systemd

    func testSystemdUnitDirectives() throws {
        let unit = try SystemdUnit(url: Deploy.unitURL)
        let service = "Service"
        let exact: [(String, String)] = [
            ("Type", "notify"),
            ("ExecStart", "/usr/local/bin/gatehouse serve --config /etc/gatehouse/config.json --data /var/lib/gatehouse --routes /etc/gatehouse/routes"),
            ("StateDirectory", "gatehouse"), ("StateDirectoryMode", "0700"), ("ConfigurationDirectory", "gatehouse"),
            ("EnvironmentFile", "-/etc/gatehouse/secrets.env"),
            ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"),
            ("CapabilityBoundingSet", ""), ("LockPersonality", "yes"), ("MemoryDenyWriteExecute", "yes"),
            ("Restart", "on-failure"), ("KillSignal", "SIGTERM"),
        ]
        for (key, value) in exact {
            XCTAssertEqual(unit.values(service, key).last, value, "[Service] \(key)")
        }
        XCTAssertTrue(unit.values(service, "DynamicUser").last == "yes" || unit.values(service, "User").last != nil,
                      "DynamicUser=yes or a dedicated User=")
        XCTAssertEqual(Set(unit.values(service, "RestrictAddressFamilies").joined(separator: " ").split(separator: " ").map(String.init)),
                       ["AF_INET", "AF_INET6", "AF_UNIX"])
        XCTAssertTrue(unit.values(service, "SystemCallFilter").contains("@system-service"))
        XCTAssertNotNil(unit.values(service, "RestartSec").last, "RestartSec")
        XCTAssertEqual(unit.values("Install", "WantedBy").last, "multi-user.target")
        // The gateway sends no WATCHDOG=1, so a watchdog would kill a healthy gateway.
        XCTAssertTrue(unit.values(service, "WatchdogSec").isEmpty, "WatchdogSec set but the gateway sends no WATCHDOG=1 pings")

        // The unit's folders and limits agree with the config file it starts with.
        let configuration = try GatewayConfiguration.load(file: Deploy.root.appendingPathComponent("deploy/systemd/config.json.example").path)
        Deploy.assertProduction(configuration, "config.json.example")
        XCTAssertEqual(configuration.data, "/var/lib/gatehouse")
        XCTAssertEqual(configuration.routes, "/etc/gatehouse/routes")
        let stop = try XCTUnwrap(unit.values(service, "TimeoutStopSec").last.flatMap(Deploy.seconds), "TimeoutStopSec missing or unreadable")
        XCTAssertGreaterThan(stop, configuration.shutdownGraceSeconds + Deploy.actionDrainSeconds,
                             "TimeoutStopSec must outlast the shutdown grace plus the rest of a stop")
        let files = try XCTUnwrap(unit.values(service, "LimitNOFILE").last.flatMap { Int($0.split(separator: ":").last ?? "") }, "LimitNOFILE")
        XCTAssertGreaterThanOrEqual(files, configuration.maxConnections + 1024, "LimitNOFILE below max_connections plus headroom")
    }

    /// systemd's own parser: unknown directives, bad values and bad syscall groups are reported
    /// as warnings (with exit status 0), so any output at all fails the test.
    func testSystemdAnalyzeVerifyAcceptsTheUnit() throws {
        guard Shell.which("systemd-analyze") != nil else {
            throw XCTSkip("systemd-analyze not installed (Debian package systemd); the directives were checked by reading the file")
        }
        let dir = try Deploy.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let unit = try Deploy.unitForAnalysis(in: dir)
        let result = try Shell.run(["systemd-analyze", "verify", "--man=no", unit.path])
        let output = (result.out + result.err).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(result.status, 0, output)
        XCTAssertEqual(output, "", "systemd-analyze verify reported problems")

        // The control: the same check must notice a broken unit, or it proves nothing here.
        let broken = dir.appendingPathComponent("broken").appendingPathComponent("gatehouse.service")
        try FileManager.default.createDirectory(at: broken.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = try String(contentsOf: unit, encoding: .utf8).replacingOccurrences(of: "[Service]\n", with: "[Service]\nNoSuchDirective=1\n")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        let control = try Shell.run(["systemd-analyze", "verify", "--man=no", broken.path])
        XCTAssertTrue((control.out + control.err).contains("NoSuchDirective"), "systemd-analyze verify did not notice a bad directive")
    }

    /// `systemd-analyze security --offline` scores the unit's sandbox (0 best, 10 worst).
    func testSystemdSecurityExposureStaysLow() throws {
        guard Shell.which("systemd-analyze") != nil else { throw XCTSkip("systemd-analyze not installed") }
        let version = try Shell.run(["systemd-analyze", "--version"]).out
        guard let number = version.split(separator: " ").dropFirst().first.flatMap({ Int($0) }), number >= 252 else {
            throw XCTSkip("systemd-analyze \(version.prefix(20)) has no offline security review")
        }
        let dir = try Deploy.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let unit = try Deploy.unitForAnalysis(in: dir)
        let result = try Shell.run(["systemd-analyze", "security", "--offline=true", "--no-pager", unit.path])
        let line = result.out.split(separator: "\n").first { $0.contains("Overall exposure level") }.map(String.init) ?? ""
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try XCTUnwrap(score, "no exposure score in:\n\(result.out.suffix(500))\(result.err)")
        XCTAssertLessThanOrEqual(exposure, 2.0, "the unit's sandbox got weaker: \(line)")
    }

    // MARK: - Production configs and secrets

    /// Both production configs start a real Gateway (routes, secrets, API credentials, log)
    /// with exactly the documented variables set, and refuse to start when one is missing:
    /// dev_secrets is off, so nothing is quietly generated.
    func testProductionConfigsStartWithTheDocumentedVariables() throws {
        let names = try Deploy.secretsEnvNames()
        var environment: [String: String] = [:]
        for name in names {
            environment[name] = name.hasPrefix("YUNOJUNO_WEBHOOK_SECRET")
                ? "whsec_" + Base64.encode(Array("test key for \(name)".utf8)) : "test-\(name.lowercased())"
        }
        let configMap = try XCTUnwrap(Deploy.kubernetesDocuments().values.flatMap { $0 }.first { $0["kind"] as? String == "ConfigMap" })
        let configs: [(String, GatewayConfiguration)] = [
            ("config.json.example", try GatewayConfiguration.load(file: Deploy.root.appendingPathComponent("deploy/systemd/config.json.example").path)),
            ("configmap.yaml", try Deploy.loadConfiguration(text: try XCTUnwrap(J.dict(configMap, "data")?["config.json"] as? String))),
        ]
        for (label, production) in configs {
            let dir = try Deploy.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            func attempt(_ env: [String: String], _ tag: String) throws {
                var c = production
                c.listen = "127.0.0.1:0"
                c.data = dir.appendingPathComponent("data-\(tag)").path
                c.routes = Deploy.root.appendingPathComponent("routes").path
                let gateway = try Gateway(configuration: c, secrets: SecretResolver(environment: env), logger: Logger(minimum: .error))
                gateway.shutdown()
            }
            XCTAssertNoThrow(try attempt(environment, "all"), "\(label) does not start with every variable of secrets.env.example set")
            for missing in ["YUNOJUNO_WEBHOOK_SECRET", "SIGNUP_FORM_SECRET", "LUMINOUS_TOKEN", "YUNOJUNO_CLIENT_SECRET", "GATEHOUSE_OPERATOR_TOKEN"] {
                var partial = environment
                partial[missing] = nil
                partial["YUNOJUNO_WEBHOOK_SECRET_PREVIOUS"] = nil
                XCTAssertThrowsError(try attempt(partial, missing), "\(label) started without \(missing)") { error in
                    XCTAssertTrue("\(error)".contains(missing), "the error should name \(missing): \(error)")
                }
            }
        }
    }

    /// One list of variable names everywhere: secrets.env.example, the Kubernetes Secret, and
    /// the references in the route files and both production configs.
    func testSecretNamesAgreeEverywhere() throws {
        let envNames = try Deploy.secretsEnvNames()
        let required: Set<String> = ["YUNOJUNO_WEBHOOK_SECRET", "YUNOJUNO_WEBHOOK_SECRET_PREVIOUS", "SIGNUP_FORM_SECRET",
                                     "YUNOJUNO_CLIENT_ID", "YUNOJUNO_CLIENT_SECRET", "ROOSTED_API_KEY", "LUMINOUS_TOKEN", "GROWCRM_API_KEY"]
        XCTAssertTrue(required.isSubset(of: envNames), "secrets.env.example lacks \(required.subtracting(envNames).sorted())")

        var referenced = Set<String>()
        let routes = Deploy.root.appendingPathComponent("routes")
        for file in try FileManager.default.contentsOfDirectory(atPath: routes.path) where file.hasSuffix(".json") {
            referenced.formUnion(try Deploy.envReferences(in: Data(contentsOf: routes.appendingPathComponent(file))))
        }
        let configRefs = try Deploy.envReferences(in: Data(contentsOf: Deploy.root.appendingPathComponent("deploy/systemd/config.json.example")))
        referenced.formUnion(configRefs)
        XCTAssertEqual(envNames, referenced, "secrets.env.example and the references in routes/ and config.json.example differ")

        let docs = try Deploy.kubernetesDocuments().values.flatMap { $0 }
        let secret = try XCTUnwrap(docs.first { $0["kind"] as? String == "Secret" })
        XCTAssertEqual(Set((J.dict(secret, "stringData") ?? [:]).keys), envNames, "secret.example.yaml and secrets.env.example differ")
        let configMap = try XCTUnwrap(docs.first { $0["kind"] as? String == "ConfigMap" })
        let text = try XCTUnwrap(J.dict(configMap, "data")?["config.json"] as? String)
        XCTAssertEqual(try Deploy.envReferences(in: Data(text.utf8)), configRefs, "configmap.yaml's config.json refers to other variables")
    }

    // MARK: - Docker

    func testDockerfile() throws {
        let url = Deploy.root.appendingPathComponent("deploy/docker/Dockerfile")
        let lines = try Deploy.dockerInstructions(String(contentsOf: url, encoding: .utf8))
        func all(_ op: String) -> [String] { lines.filter { $0.op == op }.map(\.rest) }

        let froms = all("FROM")
        XCTAssertGreaterThanOrEqual(froms.count, 2, "multi-stage build expected")
        let args = Dictionary(all("ARG").compactMap { a -> (String, String)? in
            let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { a, _ in a })
        func expand(_ s: String) -> String {
            args.reduce(s) { $0.replacingOccurrences(of: "${\($1.key)}", with: $1.value) }
        }
        XCTAssertTrue(expand(froms[0]).hasPrefix("swift:6"), "build stage should use the official swift:6.x image: \(froms[0])")
        XCTAssertTrue(froms[0].lowercased().hasSuffix(" as build"))
        let runtime = expand(froms.last ?? "")
        XCTAssertTrue(runtime.hasPrefix("debian:") || runtime.hasPrefix("ubuntu:"), "runtime stage should be slim Debian/Ubuntu: \(runtime)")
        // RUN lines of the build stage (first FROM) and of the runtime stage (last FROM).
        let stageStarts = lines.indices.filter { lines[$0].op == "FROM" }
        func runs(from start: Int, to end: Int) -> String {
            lines[start..<end].filter { $0.op == "RUN" }.map(\.rest).joined(separator: "\n")
        }
        let buildRuns = runs(from: stageStarts[0], to: stageStarts.count > 1 ? stageStarts[1] : lines.count)
        let runtimeRuns = runs(from: stageStarts.last ?? 0, to: lines.count)
        func installs(_ text: String, _ package: String) -> Bool {
            text.range(of: "(^|\\s)\(NSRegularExpression.escapedPattern(for: package))(\\s|$)", options: .regularExpression) != nil
        }
        XCTAssertTrue(buildRuns.contains("swift build -c release --product gatehouse"), "the build stage must build the release gatehouse")
        XCTAssertTrue(installs(buildRuns, "libssl-dev"), "the build stage needs libssl-dev")
        for package in ["libssl3", "libcurl4", "ca-certificates", "curl"] {
            XCTAssertTrue(installs(runtimeRuns, package), "the runtime stage does not install \(package)")
        }
        XCTAssertFalse(installs(runtimeRuns, "libssl-dev"), "development packages do not belong in the runtime stage")
        let user = try XCTUnwrap(all("USER").last, "no USER: the image would run as root")
        XCTAssertFalse(user.hasPrefix("root") || user.hasPrefix("0"), "USER \(user) is root")
        XCTAssertTrue(all("VOLUME").contains { $0.contains("/var/lib/gatehouse") })
        XCTAssertTrue(all("EXPOSE").contains { $0.split(separator: " ").contains("8080") })
        XCTAssertTrue(all("HEALTHCHECK").contains { $0.contains("/healthz") })
        let entry = try XCTUnwrap(all("ENTRYPOINT").last)
        let argv = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String], "ENTRYPOINT must be exec form")
        XCTAssertEqual(Array(argv.prefix(2)), ["gatehouse", "serve"])
        XCTAssertEqual(Deploy.flags(argv)["--data"], "/var/lib/gatehouse")

        // Everything copied from the context exists and is not filtered out by the ignore file.
        let ignore = (try? String(contentsOf: url.deletingLastPathComponent().appendingPathComponent("Dockerfile.dockerignore"), encoding: .utf8)) ?? ""
        let patterns = ignore.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.contains("*") }
        func ignored(_ path: String) -> Bool { patterns.contains { path == $0 || path.hasPrefix($0 + "/") } }
        var copiesEverything = false
        for copy in all("COPY") where !copy.hasPrefix("--from") {
            let words = copy.split(separator: " ").map(String.init)
            for source in words.dropLast() {
                let path = source.hasSuffix("/") && source.count > 1 ? String(source.dropLast()) : source
                if path == "." { copiesEverything = true; continue }
                XCTAssertTrue(FileManager.default.fileExists(atPath: Deploy.root.appendingPathComponent(path).path), "COPY \(path): not in the repository")
                XCTAssertFalse(ignored(path), "COPY \(path) is excluded by Dockerfile.dockerignore")
            }
        }
        // The manifest loads only if every target folder it names is in the build context.
        let manifest = try String(contentsOf: Deploy.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let named = manifest.matches(of: /path: "([^"]+)"/).map { String($0.output.1) }
        for folder in ["Package.swift", "Sources", "Tests"] + named {
            XCTAssertFalse(ignored(folder), "\(folder) (named by Package.swift) is excluded by Dockerfile.dockerignore")
            if !copiesEverything {
                XCTAssertTrue(all("COPY").contains { $0.split(separator: " ").dropLast().contains { $0 == folder || $0.hasPrefix(folder + "/") || folder.hasPrefix($0 + "/") } },
                              "\(folder) (named by Package.swift) is not copied into the build stage")
            }
        }
    }
}

// MARK: - Helpers

enum Deploy {
    /// The repository root: this file is Tests/GatewayTests/DeployFilesTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let unitURL = root.appendingPathComponent("deploy/systemd/gatehouse.service")
    /// What a stop takes after the shutdown grace: `ActionEngine.stop` waits up to 5 s for
    /// attempts already sent, `Notifier.stop` up to `Notifier.stopGraceSeconds` for deliveries,
    /// and the closing snapshot (a few seconds allowed for a large state).
    static let actionDrainSeconds = 5.0 + Notifier.stopGraceSeconds + 5

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Every manifest in deploy/kubernetes, the examples (`*.yaml.example`) included.
    static func kubernetesFiles() throws -> [URL] {
        let dir = root.appendingPathComponent("deploy/kubernetes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".yaml.example") }.sorted()
            .map { dir.appendingPathComponent($0) }
        guard !files.isEmpty else { throw HarnessError("no YAML files in \(dir.path)") }
        return files
    }

    /// What `kubectl apply -f deploy/kubernetes/` takes from the folder: its .json, .yaml and
    /// .yml files.
    static func isAppliedByFolder(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
    }

    /// Every document of every YAML file, by file name, read by python3 + PyYAML as JSON.
    static func kubernetesDocuments() throws -> [String: [[String: Any]]] {
        let script = """
        import json, sys
        import yaml
        out = {}
        for path in sys.argv[1:]:
            with open(path) as f:
                out[path] = [d for d in yaml.safe_load_all(f) if d is not None]
        json.dump(out, sys.stdout)
        """
        let files = try kubernetesFiles()
        let result = try Shell.run(["python3", "-c", script] + files.map(\.path))
        guard result.status == 0 else {
            throw HarnessError("python3 could not read the YAML (scripts/setup.sh installs python3 and PyYAML): \(result.err)")
        }
        guard let parsed = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: [Any]] else {
            throw HarnessError("unexpected output from the YAML reader")
        }
        var documents: [String: [[String: Any]]] = [:]
        for (path, list) in parsed {
            guard let docs = list as? [[String: Any]] else { throw HarnessError("\(path): a document is not a mapping") }
            documents[(path as NSString).lastPathComponent] = docs
        }
        return documents
    }

    static func loadConfiguration(text: String) throws -> GatewayConfiguration {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try GatewayConfiguration.load(file: file.path)
    }

    static func assertProduction(_ c: GatewayConfiguration, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(c.listen, "0.0.0.0:8080", "\(label): listen", file: file, line: line)
        XCTAssertFalse(c.devSecrets, "\(label): dev_secrets must be false in production", file: file, line: line)
        XCTAssertFalse(c.apis.simulate, "\(label): apis.simulate must be false in production", file: file, line: line)
        XCTAssertNotEqual(c.log.sync, "none", "\(label): log.sync none is not durable", file: file, line: line)
        // Without retention the volume fills and the dedupe index grows until the pod is killed.
        XCTAssertGreaterThan(c.retention.maxAgeSeconds, 0, "\(label): retention.max_age_seconds must be set", file: file, line: line)
        XCTAssertTrue(c.snapshots.enabled, "\(label): retention needs snapshots", file: file, line: line)
        // Ids must outlive the providers' retries (Stripe's go on for up to 3 days); a window of
        // 0 would keep every id in memory for ever.
        XCTAssertGreaterThanOrEqual(c.retention.dedupeWindowSeconds, 3 * 86_400,
                                    "\(label): the dedupe window must outlast the providers' retries", file: file, line: line)
        let endpoints = [("yunojuno", c.apis.yunojuno), ("roosted", c.apis.roosted), ("luminous", c.apis.luminous), ("growcrm", c.apis.growcrm)]
        for (name, endpoint) in endpoints {
            XCTAssertTrue(endpoint?.baseURL.hasPrefix("https://") ?? false, "\(label): apis.\(name).base_url must be set, https", file: file, line: line)
        }
        XCTAssertEqual(c.apis.yunojuno?.baseURL, "https://api.yunojuno.com", "\(label)", file: file, line: line)
        XCTAssertEqual(c.apis.roosted?.baseURL, "https://api.roostedhr.com/api/1_12", "\(label)", file: file, line: line)
        XCTAssertTrue(c.apis.luminous?.baseURL.hasSuffix(".api.joinluminous.com/external/api/v1") ?? false, "\(label)", file: file, line: line)
        XCTAssertTrue(c.apis.growcrm?.baseURL.hasSuffix("/api") ?? false, "\(label)", file: file, line: line)
    }

    /// `NAME=value` lines of deploy/systemd/secrets.env.example.
    static func secretsEnvNames() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("deploy/systemd/secrets.env.example"), encoding: .utf8)
        let names = text.split(separator: "\n").compactMap { line -> String? in
            let l = line.trimmingCharacters(in: .whitespaces)
            guard !l.hasPrefix("#"), let eq = l.firstIndex(of: "=") else { return nil }
            return String(l[..<eq])
        }
        guard !names.isEmpty else { throw HarnessError("secrets.env.example names no variable") }
        return Set(names)
    }

    /// Every `{"env": NAME}` anywhere in a JSON document.
    static func envReferences(in data: Data) throws -> Set<String> {
        var names = Set<String>()
        func walk(_ v: Any) {
            if let d = v as? [String: Any] {
                if let name = d["env"] as? String { names.insert(name) }
                d.values.forEach(walk)
            } else if let a = v as? [Any] {
                a.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: data))
        return names
    }

    /// `--name value` pairs of a command line.
    static func flags(_ argv: [String]) -> [String: String] {
        var flags: [String: String] = [:]
        for (i, word) in argv.enumerated() where word.hasPrefix("--") && i + 1 < argv.count {
            flags[word] = argv[i + 1]
        }
        return flags
    }

    /// systemd time spans used here: `30`, `30s`, `2min`.
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("min") { return Double(t.dropLast(3)).map { $0 * 60 } }
        if t.hasSuffix("s") { return Double(t.dropLast()) }
        return Double(t)
    }

    /// Kubernetes CPU quantities: `2`, `1.5`, `500m`.
    static func cpus(_ text: String) -> Double {
        text.hasSuffix("m") ? (Double(text.dropLast()) ?? 0) / 1000 : Double(text) ?? 0
    }

    /// A copy of the unit whose ExecStart names a binary that exists here (the built one), so
    /// systemd-analyze checks the unit and not whether /usr/local/bin/gatehouse is installed.
    static func unitForAnalysis(in dir: URL) throws -> URL {
        let binary = (try? GatehouseBinary.locate().path) ?? "/bin/true"
        let text = try String(contentsOf: unitURL, encoding: .utf8)
        XCTAssertTrue(text.contains("ExecStart=/usr/local/bin/gatehouse "))
        let copy = dir.appendingPathComponent("gatehouse.service")
        try text.replacingOccurrences(of: "ExecStart=/usr/local/bin/gatehouse ", with: "ExecStart=\(binary) ")
            .write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    /// Dockerfile instructions with continuation lines joined and comments dropped.
    static func dockerInstructions(_ text: String) throws -> [(op: String, rest: String)] {
        var result: [(op: String, rest: String)] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if line.hasPrefix("#") { continue }
            if line.hasSuffix("\\") { pending += line.dropLast() + " "; continue }
            let full = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            guard let space = full.firstIndex(of: " ") else { throw HarnessError("Dockerfile: cannot read \"\(full)\"") }
            result.append((full[..<space].uppercased(), full[full.index(after: space)...].trimmingCharacters(in: .whitespaces)))
        }
        return result
    }
}

/// A systemd unit file read as sections of `Key=value` lines (a key may repeat).
struct SystemdUnit {
    private var entries: [(section: String, key: String, value: String)] = []

    init(url: URL) throws {
        var section = ""
        for raw in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") { section = String(line.dropFirst().dropLast()); continue }
            guard let eq = line.firstIndex(of: "="), !line.hasSuffix("\\") else { throw HarnessError("unit: cannot read \"\(line)\"") }
            entries.append((section, line[..<eq].trimmingCharacters(in: .whitespaces), line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    func values(_ section: String, _ key: String) -> [String] {
        entries.filter { $0.section == section && $0.key == key }.map(\.value)
    }
}

/// Dotted-path access into parsed JSON (`spec.template.spec`, `ports.0.name`).
enum J {
    static func value(_ root: Any?, _ path: String) -> Any? {
        var current = root
        for key in path.split(separator: ".") {
            if let d = current as? [String: Any] { current = d[String(key)] }
            else if let a = current as? [Any], let i = Int(key), a.indices.contains(i) { current = a[i] }
            else { return nil }
        }
        return current
    }
    static func dict(_ root: Any?, _ path: String) -> [String: Any]? { value(root, path) as? [String: Any] }
    static func array(_ root: Any?, _ path: String) -> [Any]? { value(root, path) as? [Any] }
    static func string(_ root: Any?, _ path: String) -> String? { value(root, path) as? String }
    static func int(_ root: Any?, _ path: String) -> Int? { value(root, path) as? Int }
}

/// Runs a program found on PATH, its output captured through files (no pipe can fill up).
enum Shell {
    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ argv: [String]) throws -> (status: Int32, out: String, err: String) {
        guard let program = argv.first, which(program) != nil else {
            throw HarnessError("\(argv.first ?? "?") is not installed (scripts/setup.sh installs the test tools)")
        }
        let dir = try Deploy.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
