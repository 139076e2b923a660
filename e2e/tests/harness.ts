/**
 * End-to-end harness: the real Pulumi CLI (built from Go modules) against a real kube-apiserver +
 * etcd, with the KubeSphere CRDs, the v4.1.3 catalog and the controller simulator (e2e/cluster-up.sh).
 * One cluster per suite; each scenario uses its own stack and its own extensions.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** The repository root. */
export const REPO = path.resolve(__dirname, "../..");
/** The scenario program. */
export const PROGRAM_DIR = path.join(REPO, "e2e", "programs", "extensions");
/** Work dir of the scenario cluster (gitignored). */
export const WORK_DIR = path.join(REPO, "e2e", ".work", "scenarios");

/** A running end-to-end environment. */
export interface E2eEnv {
  /** Directory with pulumi, kube-apiserver, kubectl, ... */
  binDir: string;
  /** Admin kubeconfig path of the local API server. */
  kubeconfig: string;
  /** Environment for every `pulumi` invocation (offline, local backend, passphrase). */
  env: NodeJS.ProcessEnv;
}

/** Result of one CLI run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Both streams, for assertions on messages. */
  output: string;
  /** Wall time in milliseconds. */
  ms: number;
}

function sh(cmd: string, env: NodeJS.ProcessEnv = process.env, cwd = REPO): string {
  return execFileSync("bash", ["-c", cmd], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

/** The tier-2 bin dir, or undefined when the binaries (plus `extra` ones) are not built. */
export function builtBinDir(extra: string[] = []): string | undefined {
  const binDir = process.env.E2E_BIN_DIR || sh("e2e/build-tools.sh --all --bin-dir").trim().split("\n").pop()!;
  const need = ["etcd", "kube-apiserver", "kubectl", "pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes", ...extra];
  return need.every((b) => fs.existsSync(path.join(binDir, b))) ? binDir : undefined;
}

/**
 * Pulumi runs dynamic providers through the bundled `pulumi-resource-pulumi-nodejs` plugin (a shell
 * shim in the CLI's release archive, not a Go program). It must sit next to `pulumi`.
 */
/**
 * The built toolchain's bin dir for a suite's `before` hook: a loud skip when it is not built, an
 * error when `E2E_REQUIRED=1` (CI), so a missing toolchain is never a silent pass.
 *
 * @param ctx the hook's mocha context (`this`).
 * @param extra binaries the suite needs beyond the default set.
 */
export function binDirOrSkip(ctx: Mocha.Context, extra: string[] = []): string {
  const binDir = builtBinDir(extra);
  if (binDir) return binDir;
  if (process.env.E2E_REQUIRED === "1") throw new Error("e2e binaries are not built (run e2e/build-tools.sh --all)");
  console.log(`\n  *** E2E SKIPPED: the Pulumi CLI / kube-apiserver${extra.map((b) => ` / ${b}`).join("")} binaries are not built (e2e/build-tools.sh --all) ***\n`);
  return ctx.skip();
}

export function installDynamicProviderShim(binDir: string): void {
  const target = path.join(binDir, "pulumi-resource-pulumi-nodejs");
  const src = path.join(REPO, "e2e", "shims", "pulumi-resource-pulumi-nodejs");
  const body = fs.readFileSync(src, "utf8");
  if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== body) {
    fs.writeFileSync(target, body, { mode: 0o755 });
  }
}

/** The tier-1 bin dir (etcd, kube-apiserver, kubectl), or undefined when not built. */
/**
 * A bin dir whose kube-apiserver writes an audit log (the policy given), the other tier-1 binaries
 * linked as they are; `e2e/cluster-up.sh` picks it up through `E2E_BIN_DIR`.
 *
 * @param binDir the built toolchain's bin dir.
 * @param workDir where the wrapper dir and the policy file go.
 * @param auditLog the audit log's path.
 * @param policy the audit policy (YAML).
 * @param who names the caller in the wrapper's comment.
 */
export function auditBinDir(binDir: string, workDir: string, auditLog: string, policy: string, who: string): { dir: string; auditLog: string } {
  const dir = path.join(workDir, "audit-bin");
  const policyFile = path.join(workDir, "audit-policy.yaml");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(policyFile, policy);
  for (const b of ["etcd", "kube-controller-manager", "kubectl"]) fs.symlinkSync(path.join(binDir, b), path.join(dir, b));
  fs.writeFileSync(path.join(dir, "kube-apiserver"), [
    "#!/usr/bin/env bash",
    `# ${who}: the e2e kube-apiserver with an audit log.`,
    `exec ${JSON.stringify(path.join(binDir, "kube-apiserver"))} "$@" --audit-policy-file=${JSON.stringify(policyFile)} \\`,
    `  --audit-log-path=${JSON.stringify(auditLog)} --audit-log-format=json --audit-log-maxsize=0 --audit-log-mode=blocking`,
    "",
  ].join("\n"), { mode: 0o755 });
  return { dir, auditLog };
}

export function tier1BinDir(): string | undefined {
  const binDir = process.env.E2E_BIN_DIR || sh("e2e/build-tools.sh --tier1 --bin-dir").trim().split("\n").pop()!;
  return ["etcd", "kube-apiserver", "kubectl"].every((b) => fs.existsSync(path.join(binDir, b))) ? binDir : undefined;
}

/**
 * Starts etcd + kube-apiserver (+ kube-controller-manager) with the CRDs, catalog and Clusters, and
 * the controller simulator (built JS in bin/, with the given executor faults), in `workDir`.
 * Returns the admin kubeconfig path.
 */
export function startCluster(binDir: string, workDir: string, faults: unknown): string {
  fs.mkdirSync(workDir, { recursive: true });
  const faultsFile = path.join(workDir, "faults.yaml");
  fs.writeFileSync(faultsFile, YAML.stringify(faults));
  const env: NodeJS.ProcessEnv = {
    ...process.env, E2E_BIN_DIR: binDir, E2E_WORK_DIR: workDir,
    // Not `exec`: the shell stays to log how the simulator ended (a status of 128+N means signal N), so a
    // simulator that vanishes mid-suite leaves a reason in logs/simulator.log.
    E2E_SIMULATOR_CMD: `node bin/simulator/main.js --kubeconfig "$KUBECONFIG" --faults ${JSON.stringify(faultsFile)} --time-scale 0.02; ` +
      `echo "e2e: the simulator exited with status $? at $(date -u +%T)" >&2`,
    E2E_SIMULATOR_READY_REGEX: "watching",
  };
  sh("e2e/cluster-down.sh >/dev/null 2>&1 || true", env);
  sh("e2e/cluster-up.sh", env);
  return path.join(workDir, "kubeconfig");
}

/**
 * Throws (with the tail of its log) when the simulator cluster-up started in `workDir` is no longer
 * running: without it every readiness wait would run into its full timeout.
 */
export function assertSimulatorRunning(workDir: string): void {
  const pidFile = path.join(workDir, "pids", "simulator.pid");
  const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, "utf8").trim() : NaN);
  let alive = false;
  try {
    alive = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
  } catch {
    alive = false;
  }
  if (!alive) {
    const logFile = path.join(workDir, "logs", "simulator.log");
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "(no log)";
    throw new Error(`the controller simulator (pid ${pid}) is not running; ${logFile} ends with:\n${tail}`);
  }
}

/** Stops exactly the processes cluster-up started in `workDir`. */
export function stopCluster(workDir: string): void {
  sh("e2e/cluster-down.sh >/dev/null 2>&1 || true", { ...process.env, E2E_WORK_DIR: workDir });
}

/** Starts the cluster (with the simulator and the given executor faults) and prepares the program. */
export function startE2e(binDir: string, faults: unknown): E2eEnv {
  installDynamicProviderShim(binDir);
  startCluster(binDir, WORK_DIR, faults);
  const kubeconfig = path.join(WORK_DIR, "kubeconfig");
  const pulumiEnv = offlinePulumiEnv(binDir, WORK_DIR, kubeconfig);
  if (!fs.existsSync(path.join(PROGRAM_DIR, "node_modules", "@kubesphere-ext"))) {
    sh("npm install --ignore-scripts --no-audit --no-fund --silent", process.env, PROGRAM_DIR);
  }
  if (!fs.existsSync(path.join(REPO, "policy-pack", "node_modules", "@pulumi", "policy"))) {
    sh("npm ci --ignore-scripts --no-audit --no-fund --silent", process.env, path.join(REPO, "policy-pack"));
  }
  return { binDir, kubeconfig, env: pulumiEnv };
}

/**
 * The offline Pulumi environment exactly as e2e/pulumi-env.sh sets it (PATH with the bin dir first,
 * isolated PULUMI_HOME, no-network switches), with a file backend under `workDir`/state and
 * KUBECONFIG pointing at the local API server.
 */
export function offlinePulumiEnv(binDir: string, workDir: string, kubeconfig: string): NodeJS.ProcessEnv {
  const dump = sh(`source e2e/pulumi-env.sh >/dev/null && env -0`, { ...process.env, E2E_BIN_DIR: binDir, E2E_WORK_DIR: workDir });
  const pulumiEnv: NodeJS.ProcessEnv = {};
  for (const kv of dump.split("\0")) {
    const i = kv.indexOf("=");
    if (i > 0) pulumiEnv[kv.slice(0, i)] = kv.slice(i + 1);
  }
  pulumiEnv.KUBECONFIG = kubeconfig;
  pulumiEnv.PULUMI_BACKEND_URL = `file://${path.join(workDir, "state")}`;
  fs.mkdirSync(path.join(workDir, "state"), { recursive: true });
  return pulumiEnv;
}

/** Stops exactly the processes cluster-up started for the scenarios. */
export function stopE2e(): void {
  stopCluster(WORK_DIR);
}

/** Runs `pulumi <args>` in the scenario program. */
export function pulumi(e: E2eEnv, args: string[], cwd = PROGRAM_DIR): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(e.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], { cwd, env: e.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, output: stdout + stderr, ms: Date.now() - started }));
  });
}

/** Creates a stack with structured config (written into Pulumi.<stack>.yaml). */
export async function newStack(e: E2eEnv, stack: string, config: Record<string, unknown>): Promise<void> {
  await pulumi(e, ["stack", "rm", "--yes", "--force", "--stack", stack]);
  const init = await pulumi(e, ["stack", "init", stack]);
  if (init.code !== 0) throw new Error(`pulumi stack init ${stack} failed:\n${init.output}`);
  setConfig(stack, config);
}

/** Replaces the stack's config values (keeps its encryption salt). */
export function setConfig(stack: string, config: Record<string, unknown>): void {
  const file = path.join(PROGRAM_DIR, `Pulumi.${stack}.yaml`);
  const doc = (fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, "utf8")) : {}) ?? {};
  doc.config = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `e2e-extensions:${k}`, v]));
  fs.writeFileSync(file, YAML.stringify(doc));
}

/** `kubectl get <what> -o json` against the local API server. */
export function kubectlJson(e: E2eEnv, args: string): any {
  return JSON.parse(sh(`"${e.binDir}/kubectl" --kubeconfig "${e.kubeconfig}" get ${args} -o json`));
}

/** Whether `kubectl get <what>` finds the object. */
export function exists(e: E2eEnv, what: string): boolean {
  try {
    sh(`"${e.binDir}/kubectl" --kubeconfig "${e.kubeconfig}" get ${what} -o name`);
    return true;
  } catch {
    return false;
  }
}
