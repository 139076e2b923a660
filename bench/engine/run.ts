/**
 * Cost per extension against the real engine (issue 13): programs A (`KubeSphereExtension` per
 * extension), B (raw `CustomResource` InstallPlans) and C (raw InstallPlans with
 * `pulumi.com/waitFor: jsonpath={.status.state}=Installed`), the same dependency graph in all three,
 * run alternately through the real Pulumi CLI (e2e toolchain) against kube-apiserver + the
 * controller simulator. Prints medians, ratios and each target met or not; then checks that the
 * guarantees still hold (fail-fast with the cause, stale-status safety, Job completion ordering).
 *
 *   npm run bench:engine -- [--n 5,27,100] [--reps 3] [--time-scale 0.002] [--no-build] [--keep-cluster]
 *
 * API requests come from the kube-apiserver audit log (policy: Metadata level, every request once);
 * memory is the peak RSS of the `pulumi` process tree (CLI, language host, program, plugins),
 * sampled every 150 ms. See docs/performance.md.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import * as YAML from "yaml";
import { auditBinDir, builtBinDir, offlinePulumiEnv } from "../../e2e/tests/harness";
import { BenchExtension, FAIL_EXTENSION, STALE_EXTENSION, criticalPath, setFor, syntheticCatalogYaml } from "./graphs";
import { describeProfile } from "./cpuProfile";
import { AUDIT_POLICY, AuditLog, ClusterTimeline, RequestCounts, RssSampler } from "./measure";
import { median } from "../cli";

const REPO = path.resolve(__dirname, "../..");
const SHARED = process.env.E2E_SHARED_DIR ?? path.join(path.dirname(REPO), "shared");
const CATALOG_DIR = path.join(SHARED, "kubesphere", "catalog");
const WORK = path.join(REPO, "e2e", ".work", "bench-engine");
const CLUSTER_WORK = path.join(WORK, "cluster");
const MODES = ["A", "B", "C"] as const;
type Mode = (typeof MODES)[number];

// ---------------------------------------------------------------- arguments

interface Options {
  ns: number[];
  reps: number;
  timeScale: number;
  build: boolean;
  keepCluster: boolean;
  /** Instead of the matrix: CPU profiles of one A and one B preview (first N) per node process. */
  profile: boolean;
}

function usage(msg: string): never {
  console.error(`bench:engine: ${msg}\nusage: npm run bench:engine -- [--n 5,27,100] [--reps 3] [--time-scale 0.002] [--no-build] [--keep-cluster] [--profile]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { ns: [5, 27, 100], reps: 3, timeScale: 0.002, build: true, keepCluster: false, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === "--n") {
      o.ns = val().split(",").map((x) => Number(x.trim()));
      if (o.ns.some((n) => !Number.isInteger(n) || n < 1 || n > 500)) usage("--n takes integers 1..500, e.g. 5,27,100");
    } else if (a === "--reps") {
      o.reps = Number(val());
      if (!Number.isInteger(o.reps) || o.reps < 1) usage("--reps must be a positive integer");
    } else if (a === "--time-scale") {
      o.timeScale = Number(val());
      if (!(o.timeScale > 0 && o.timeScale <= 1)) usage("--time-scale must be in (0, 1]");
    } else if (a === "--no-build") o.build = false;
    else if (a === "--keep-cluster") o.keepCluster = true;
    else if (a === "--profile") o.profile = true;
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  return o;
}

// ---------------------------------------------------------------- small helpers

function sh(cmd: string, env: NodeJS.ProcessEnv = process.env, cwd = REPO): string {
  return execFileSync("bash", ["-c", cmd], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (msg: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------- environment

interface Env {
  binDir: string;
  kubeconfig: string;
  pulumiEnv: NodeJS.ProcessEnv;
  audit: AuditLog;
  timeline: ClusterTimeline;
  programs: string;
}


async function setUp(o: Options): Promise<Env> {
  const binDir = builtBinDir();
  if (!binDir) {
    console.error("bench:engine: the e2e toolchain is not built (etcd, kube-apiserver, kubectl, pulumi, pulumi-language-nodejs, pulumi-resource-kubernetes); run e2e/build-tools.sh --all");
    process.exit(3);
  }
  if (o.build) {
    log("building the package (tsc) — the programs load bin/ as users do");
    try {
      sh("npx tsc -p tsconfig.json");
    } catch (err) {
      // tsc still emits; type errors in files being edited elsewhere must not stop a measurement.
      const out = String((err as { stdout?: string }).stdout ?? err).trim().split("\n").slice(0, 5).join("\n");
      log(`tsc reported errors (JS emitted anyway):\n${out}`);
    }
  }
  fs.mkdirSync(WORK, { recursive: true });
  // The dynamic-provider launcher must sit next to `pulumi` (as the e2e harness installs it).
  const shim = path.join(binDir, "pulumi-resource-pulumi-nodejs");
  const shimBody = fs.readFileSync(path.join(REPO, "e2e", "shims", "pulumi-resource-pulumi-nodejs"), "utf8");
  if (!fs.existsSync(shim) || fs.readFileSync(shim, "utf8") !== shimBody) fs.writeFileSync(shim, shimBody, { mode: 0o755 });

  const { dir: wrapDir, auditLog } = auditBinDir(binDir, WORK, path.join(CLUSTER_WORK, "logs", "audit.jsonl"), AUDIT_POLICY, "bench/engine");
  const faultsFile = path.join(WORK, "faults.yaml");
  fs.writeFileSync(faultsFile, YAML.stringify({
    faults: [
      { effect: "fail", extension: FAIL_EXTENSION, action: "install" },
      // About 2 s of real time at --time-scale 0.002: long enough to see a stale `Installed`.
      { effect: "slow", extension: STALE_EXTENSION, action: "upgrade", delayMs: Math.round(2000 / o.timeScale) },
    ],
  }));
  const simKc = path.join(WORK, "simulator.kubeconfig");
  const env: NodeJS.ProcessEnv = {
    ...process.env, E2E_BIN_DIR: wrapDir, E2E_WORK_DIR: CLUSTER_WORK,
    E2E_SIMULATOR_CMD: `bash bench/engine/client-cert.sh ${JSON.stringify(CLUSTER_WORK)} bench-simulator ${JSON.stringify(simKc)} && ` +
      `exec node bin/simulator/main.js --kubeconfig ${JSON.stringify(simKc)} --faults ${JSON.stringify(faultsFile)} --time-scale ${o.timeScale}`,
    E2E_SIMULATOR_READY_REGEX: "watching",
  };
  sh("e2e/cluster-down.sh >/dev/null 2>&1 || true", env);
  fs.rmSync(path.join(CLUSTER_WORK, "logs", "audit.jsonl"), { force: true });
  log("starting kube-apiserver (with audit log) + simulator via e2e/cluster-up.sh");
  sh("e2e/cluster-up.sh >/dev/null", env);
  const kubeconfig = path.join(CLUSTER_WORK, "kubeconfig");

  const catalogFile = path.join(WORK, "synthetic-catalog.yaml");
  fs.writeFileSync(catalogFile, syntheticCatalogYaml(Math.max(100, ...o.ns.filter((n) => n !== 5 && n !== 27))));
  sh(`"${binDir}/kubectl" --kubeconfig "${kubeconfig}" --request-timeout=120s apply --server-side --field-manager=bench -f "${catalogFile}" >/dev/null`);

  const driverKc = path.join(WORK, "driver.kubeconfig");
  sh(`bash bench/engine/client-cert.sh "${CLUSTER_WORK}" bench-driver "${driverKc}"`);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(driverKc);
  const timeline = new ClusterTimeline(kc);
  await timeline.start();

  // The programs run from the work dir (their stacks' files stay out of the tree); the package is
  // linked as a user's node_modules would hold it, everything else resolves from the repo's node_modules.
  const programs = path.join(WORK, "programs");
  fs.rmSync(programs, { recursive: true, force: true });
  fs.cpSync(path.join(REPO, "bench", "engine", "programs"), programs, { recursive: true });
  fs.mkdirSync(path.join(programs, "node_modules", "@kubesphere-ext"), { recursive: true });
  fs.symlinkSync(REPO, path.join(programs, "node_modules", "@kubesphere-ext", "pulumi-kubesphere"));

  const pulumiEnv = offlinePulumiEnv(binDir, WORK, kubeconfig);
  return { binDir, kubeconfig, pulumiEnv, audit: new AuditLog(auditLog), timeline, programs };
}

// ---------------------------------------------------------------- one pulumi command, measured

interface Run {
  code: number;
  output: string;
  /** Output lines with the local time they arrived (the CLI prints each step as it happens). */
  lines: Array<{ t: number; line: string }>;
  phases?: Phases;
  /** RSS per process kind at the peak. */
  peakBreakdown: Record<string, number>;
  start: number;
  end: number;
  ms: number;
  peakRss: number;
  requests: RequestCounts;
}

let runCounter = 0;

/** A step line of the non-interactive display (`+  kubernetes:kubesphere.io/v1alpha1:InstallPlan x creating (0s)`). */
const STEP_LINE = /^\s*[-+~]*\s+(kubesphere|kubernetes|pulumi-nodejs):\S+ \S+/;

/**
 * Where a command's time went, from its timestamped lines: start → the stack resource's first line
 * (CLI start, language host, program load), → the last resource step line (the program's
 * registrations and the engine's steps), → exit (the engine finishing, plugins shutting down).
 */
function phasesOf(lines: Array<{ t: number; line: string }>, start: number, end: number): Phases | undefined {
  const stack = lines.find((l) => l.line.includes("pulumi:pulumi:Stack"))?.t;
  const steps = lines.filter((l) => STEP_LINE.test(l.line));
  if (stack === undefined) return undefined;
  const last = steps.length ? steps[steps.length - 1].t : stack;
  return { toStack: stack - start, steps: last - stack, toExit: end - last };
}

/** See {@link phasesOf}. */
interface Phases { toStack: number; steps: number; toExit: number }

/** The pulumi process running now (stopped on SIGTERM/SIGINT). */
let running: ReturnType<typeof spawn> | undefined;

async function pulumi(e: Env, mode: Mode, args: string[], graphFile: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const cwd = path.join(e.programs, mode.toLowerCase());
  const from = e.audit.offset();
  const start = Date.now();
  const child = spawn(path.join(e.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"],
    { cwd, env: { ...e.pulumiEnv, BENCH_GRAPH: graphFile, ...extraEnv } });
  running = child;
  const sampler = new RssSampler(child.pid!);
  let output = "";
  const lines: Array<{ t: number; line: string }> = [];
  let partial = "";
  child.stdout.on("data", (d) => {
    const now = Date.now();
    output += d;
    const parts = (partial + d).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) lines.push({ t: now, line });
  });
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? -1)));
  running = undefined;
  const end = Date.now();
  const peakRss = sampler.stop();
  const peakBreakdown = Object.fromEntries(sampler.peakBreakdown);
  await sleep(300); // the audit log gets the last watch's ResponseComplete once the connection is seen closed
  if (partial) lines.push({ t: end, line: partial });
  const runsDir = path.join(WORK, "runs");
  fs.mkdirSync(runsDir, { recursive: true });
  fs.writeFileSync(path.join(runsDir, `${String(++runCounter).padStart(3, "0")}-${mode}-${args[0]}${args.includes("--expect-no-changes") ? "-nochange" : ""}-${path.basename(graphFile, ".json")}.log`),
    `# pulumi ${args.join(" ")} (${mode}, ${path.basename(graphFile)}) exit ${code} in ${end - start} ms; +ms since start\n` +
    lines.map((l) => `+${l.t - start} ${l.line}`).join("\n") + "\n");
  return { code, output, lines, start, end, ms: end - start, peakRss, requests: e.audit.countSince(from), phases: phasesOf(lines, start, end), peakBreakdown };
}

async function newStack(e: Env, mode: Mode, stack: string): Promise<void> {
  const cwd = path.join(e.programs, mode.toLowerCase());
  const run = (args: string[]): string => execFileSync(path.join(e.binDir, "pulumi"), [...args, "--non-interactive"],
    { cwd, env: e.pulumiEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try { run(["stack", "rm", "--yes", "--force", "--stack", stack]); } catch { /* not there */ }
  run(["stack", "init", stack]);
}

async function waitNoPlans(e: Env, names: string[], timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const live = new Set(e.timeline.livePlans());
    if (!names.some((n) => live.has(n))) return true;
    await sleep(200);
  }
  return false;
}

function writeGraph(name: string, set: BenchExtension[]): string {
  const f = path.join(WORK, `graph-${name}.json`);
  fs.writeFileSync(f, JSON.stringify(set));
  return f;
}

function tail(text: string, n = 15): string {
  return text.trim().split("\n").slice(-n).map((l) => `      ${l}`).join("\n");
}

// ---------------------------------------------------------------- the matrix

interface EdgeStats {
  /** dependent created − dependency ready (ms), per dependent (its last dependency to become ready). */
  gating: number[];
  /** A only: dependency ready → the CLI prints the wait's `<dep>: Installed (host)` progress line. */
  verdictLine: number[];
  /** The same interval split: dependency ready → the engine reports the dependency's wait done. */
  waitDone: number[];
  /** … → the engine starts the dependent's InstallPlan. */
  engineNext: number[];
  /** … → the watch sees the dependent's plan. */
  planSeen: number[];
  /** Dependents created before a dependency's Job completed / before it was Installed. */
  beforeJob: number;
  beforeInstalled: number;
  edges: number;
}

const firstLine = (run: Run, re: RegExp): number | undefined => run.lines.find((l) => re.test(l.line))?.t;
const esc = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function edgeStats(e: Env, mode: Mode, set: BenchExtension[], run: Run): EdgeStats {
  const out: EdgeStats = { gating: [], verdictLine: [], waitDone: [], engineNext: [], planSeen: [], beforeJob: 0, beforeInstalled: 0, edges: 0 };
  // What the CLI prints when the dependency's wait is over, and when the dependent's plan starts.
  const doneRe = (d: string): RegExp => mode === "A"
    ? new RegExp(`InstallPlanReadiness ${esc(d)}-readiness created`) : new RegExp(`InstallPlan ${esc(d)} created`);
  const startRe = (x: string): RegExp => mode === "A"
    ? new RegExp(`InstallPlan ${esc(x)}-installplan creating`) : new RegExp(`InstallPlan ${esc(x)} creating`);
  for (const x of set) {
    if (!x.deps.length) continue;
    const created = e.timeline.createdAt(x.name, run.start, run.end + 1000);
    if (created === undefined) continue;
    let gate = -Infinity;
    let gateDep = "";
    for (const d of x.deps) {
      const r = e.timeline.readyAt(d, run.start, run.end + 1000);
      out.edges++;
      if (!r) { out.beforeInstalled++; continue; }
      if (created < r.installed) out.beforeInstalled++;
      if (r.jobComplete === undefined || created < r.jobComplete) out.beforeJob++;
      if (r.ready > gate) { gate = r.ready; gateDep = d; }
    }
    if (gate === -Infinity) continue;
    out.gating.push(created - gate);
    const done = firstLine(run, doneRe(gateDep));
    const start = firstLine(run, startRe(x.name));
    const verdictAt = mode === "A" ? firstLine(run, new RegExp(`${esc(gateDep)}: Installed \\(`)) : undefined;
    if (verdictAt !== undefined) out.verdictLine.push(verdictAt - gate);
    if (done !== undefined && start !== undefined) {
      out.waitDone.push(done - gate);
      out.engineNext.push(start - done);
      out.planSeen.push(created - start);
    }
  }
  return out;
}

interface Sample {
  /** A preview, from its stack line: first package request, last catalog read done, first InstallPlan step line (ms). */
  previewPkgFirst?: number; previewPkgLast?: number; previewFirstComponent?: number;
  previewPhases?: Phases; noopPhases?: Phases; upPhases?: Phases;
  previewMs?: number; previewRss?: number; previewReq?: RequestCounts;
  upMs?: number; upRss?: number; upRssBreakdown?: Record<string, number>; upReq?: RequestCounts; edges?: EdgeStats;
  noopMs?: number; noopReq?: RequestCounts; noopRss?: number;
  destroyMs?: number;
  failures: string[];
}

async function cycle(e: Env, mode: Mode, n: number, set: BenchExtension[], graphFile: string): Promise<Sample> {
  const s: Sample = { failures: [] };
  const names = set.map((x) => x.name);
  const pv = await pulumi(e, mode, ["preview"], graphFile);
  if (pv.code !== 0) s.failures.push(`preview exited ${pv.code}:\n${tail(pv.output)}`);
  else {
    Object.assign(s, { previewMs: pv.ms, previewRss: pv.peakRss, previewReq: pv.requests, previewPhases: pv.phases });
    const stackAt = pv.lines.find((l) => l.line.includes("pulumi:pulumi:Stack"))?.t;
    // The components register before they resolve; their InstallPlans only after resolution.
    const comp = pv.lines.find((l) => /InstallPlan \S+ create/.test(l.line))?.t;
    if (mode === "A" && stackAt !== undefined) {
      if (pv.requests.packageFirstAt !== undefined) s.previewPkgFirst = pv.requests.packageFirstAt - stackAt;
      if (pv.requests.packageLastAt !== undefined) s.previewPkgLast = pv.requests.packageLastAt - stackAt;
      if (comp !== undefined) s.previewFirstComponent = comp - stackAt;
    }
  }

  const up = await pulumi(e, mode, ["up", "--yes", "--skip-preview"], graphFile);
  if (up.code !== 0) s.failures.push(`up exited ${up.code}:\n${tail(up.output)}`);
  else Object.assign(s, { upMs: up.ms, upRss: up.peakRss, upRssBreakdown: up.peakBreakdown, upReq: up.requests, edges: edgeStats(e, mode, set, up), upPhases: up.phases });

  if (up.code === 0) {
    const noop = await pulumi(e, mode, ["up", "--yes", "--skip-preview", "--expect-no-changes"], graphFile);
    if (noop.code !== 0) s.failures.push(`no-change up exited ${noop.code}:\n${tail(noop.output)}`);
    else Object.assign(s, { noopMs: noop.ms, noopReq: noop.requests, noopRss: noop.peakRss, noopPhases: noop.phases });
  }
  const ds = await pulumi(e, mode, ["destroy", "--yes", "--skip-preview"], graphFile);
  if (ds.code !== 0) s.failures.push(`destroy exited ${ds.code}:\n${tail(ds.output)}`);
  s.destroyMs = ds.ms;
  if (!(await waitNoPlans(e, names))) s.failures.push(`InstallPlans still present 120 s after destroy: ${e.timeline.livePlans().join(", ")}`);
  log(`  N=${n} ${mode}: preview ${fmtS(s.previewMs)} up ${fmtS(s.upMs)} no-change up ${fmtS(s.noopMs)} destroy ${fmtS(s.destroyMs)}` +
    `${s.upReq ? ` | up requests pkg ${s.upReq.bySource.package} engine ${s.upReq.bySource.engine}` : ""}${s.failures.length ? " | FAILED" : ""}`);
  return s;
}

function fmtS(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? "-" : `${(ms / 1000).toFixed(2)}s`;
}

// ---------------------------------------------------------------- guarantees

interface Guarantees {
  failFast: { ms: number[]; causeShown: boolean[]; exitCodes: number[] };
  stale: Record<"A" | "C", { exitMinusNewInstalled: number[]; codes: number[] }>;
  notes: string[];
}

async function guarantees(e: Env, reps: number): Promise<Guarantees> {
  const g: Guarantees = { failFast: { ms: [], causeShown: [], exitCodes: [] }, stale: { A: { exitMinusNewInstalled: [], codes: [] }, C: { exitMinusNewInstalled: [], codes: [] } }, notes: [] };
  const failGraph = writeGraph("failfast", [{ name: FAIL_EXTENSION, version: "1.0.0", deps: [] }]);
  await newStack(e, "A", "failfast");
  for (let i = 0; i < reps; i++) {
    const up = await pulumi(e, "A", ["up", "--yes", "--skip-preview"], failGraph);
    const failedAt = e.timeline.firstState(FAIL_EXTENSION, "InstallFailed", up.start, up.end);
    g.failFast.exitCodes.push(up.code);
    g.failFast.causeShown.push(/context deadline exceeded/.test(up.output));
    if (failedAt !== undefined) g.failFast.ms.push(up.end - failedAt);
    else g.notes.push(`fail-fast run ${i + 1}: the watch never saw ${FAIL_EXTENSION} InstallFailed (exit ${up.code}):\n${tail(up.output)}`);
    const ds = await pulumi(e, "A", ["destroy", "--yes", "--skip-preview"], failGraph);
    if (ds.code !== 0) g.notes.push(`fail-fast destroy exited ${ds.code}:\n${tail(ds.output)}`);
    await waitNoPlans(e, [FAIL_EXTENSION]);
  }
  log(`  fail-fast: ${g.failFast.ms.map((m) => `${m} ms`).join(", ")}`);

  for (const mode of ["A", "C"] as const) {
    await newStack(e, mode, "stale");
    for (let i = 0; i < reps; i++) {
      const v1 = writeGraph(`stale-${mode}-1`, [{ name: STALE_EXTENSION, version: "1.0.0", deps: [], config: { round: 2 * i + 1 } }]);
      const v2 = writeGraph(`stale-${mode}-2`, [{ name: STALE_EXTENSION, version: "1.0.0", deps: [], config: { round: 2 * i + 2 } }]);
      const first = await pulumi(e, mode, ["up", "--yes", "--skip-preview"], v1);
      if (first.code !== 0) { g.notes.push(`stale ${mode}: install exited ${first.code}:\n${tail(first.output)}`); break; }
      await sleep(500);
      const obs = e.timeline.plans.get(STALE_EXTENSION) ?? [];
      const oldHash = [...obs].reverse().find((x) => x.state === "Installed")?.configHash;
      const upd = await pulumi(e, mode, ["up", "--yes", "--skip-preview"], v2);
      g.stale[mode].codes.push(upd.code);
      // wait for the slow upgrade to finish if the program returned before it
      const deadline = Date.now() + 30_000;
      let newInstalled: number | undefined;
      while (Date.now() < deadline) {
        newInstalled = (e.timeline.plans.get(STALE_EXTENSION) ?? []).find((x) => x.t >= upd.start && x.state === "Installed" && x.configHash !== oldHash)?.t;
        if (newInstalled !== undefined) break;
        await sleep(200);
      }
      if (newInstalled === undefined) g.notes.push(`stale ${mode}: the new spec never showed Installed`);
      else g.stale[mode].exitMinusNewInstalled.push(upd.end - newInstalled);
    }
    const ds = await pulumi(e, mode, ["destroy", "--yes", "--skip-preview"], writeGraph(`stale-${mode}-1`, [{ name: STALE_EXTENSION, version: "1.0.0", deps: [] }]));
    if (ds.code !== 0) g.notes.push(`stale ${mode} destroy exited ${ds.code}:\n${tail(ds.output)}`);
    await waitNoPlans(e, [STALE_EXTENSION]);
    log(`  stale ${mode}: exit − new Installed = ${g.stale[mode].exitMinusNewInstalled.map((m) => `${m} ms`).join(", ")}`);
  }
  return g;
}

// ---------------------------------------------------------------- module load cost (preview's fixed part)

interface LoadCost {
  pulumiMs: number; kubernetesMs: number; packageMs: number; clientNodeMs: number;
  /** Each runtime dependency of the package required alone after the two SDKs (median ms). */
  depMs: Record<string, number>;
  packageModules: Record<string, number>;
  clientNodeLoadedByPackage: boolean;
}

function loadCost(e: Env, runs = 5): LoadCost {
  const script = `
    const t = () => Number(process.hrtime.bigint()) / 1e6;
    const which = process.argv[1];
    const out = {};
    let a = t(); require("@pulumi/pulumi"); out.pulumiMs = t() - a;
    a = t(); require("@pulumi/kubernetes"); out.kubernetesMs = t() - a;
    if (which === "package") {
      const before = new Set(Object.keys(require.cache));
      a = t(); require("@kubesphere-ext/pulumi-kubesphere"); out.packageMs = t() - a;
      const added = Object.keys(require.cache).filter((k) => !before.has(k));
      const groups = {};
      for (const k of added) {
        const parts = k.split("node_modules/");
        const last = parts.length > 1 ? parts[parts.length - 1].split("/") : null;
        const key = last ? (last[0].startsWith("@") ? last[0] + "/" + last[1] : last[0]) : "(package itself)";
        groups[key] = (groups[key] || 0) + 1;
      }
      out.packageModules = groups;
      out.clientNodeLoaded = added.some((k) => k.includes("@kubernetes/client-node"));
    } else {
      a = t(); require(which); out.clientNodeMs = t() - a;
    }
    console.log(JSON.stringify(out));`;
  const cwd = path.join(e.programs, "a");
  const pkg: any[] = [];
  const deps = ["@kubernetes/client-node", "ajv", "yaml", "tar-stream", "@grpc/grpc-js"];
  const depRuns: Record<string, number[]> = Object.fromEntries(deps.map((d) => [d, []]));
  for (let i = 0; i < runs; i++) {
    pkg.push(JSON.parse(execFileSync(process.execPath, ["-e", script, "package"], { cwd, encoding: "utf8" })));
    for (const d of deps) depRuns[d].push(JSON.parse(execFileSync(process.execPath, ["-e", script, d], { cwd, encoding: "utf8" })).clientNodeMs);
  }
  return {
    pulumiMs: median(pkg.map((x) => x.pulumiMs)), kubernetesMs: median(pkg.map((x) => x.kubernetesMs)),
    packageMs: median(pkg.map((x) => x.packageMs)), clientNodeMs: median(depRuns["@kubernetes/client-node"]),
    depMs: Object.fromEntries(deps.map((d) => [d, median(depRuns[d])])),
    packageModules: pkg[0].packageModules, clientNodeLoadedByPackage: pkg[0].clientNodeLoaded,
  };
}

// ---------------------------------------------------------------- report

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "-";
}

function verdict(value: number, limit: number): string {
  return Number.isFinite(value) ? (value <= limit ? "met" : "NOT met") : "no data";
}

function med(samples: Sample[], f: (s: Sample) => number | undefined): number {
  return median(samples.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x)));
}

interface NResult { n: number; set: BenchExtension[]; samples: Record<Mode, Sample[]> }

const p = (line: string): void => console.log(line);

function printHeader(o: Options, started: Date): void {
  p(`# Engine benchmark (issue 13) — ${started.toISOString()}`);
  p(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}; node ${process.version}`);
  p(`engine: pulumi ${pulumiVersion()} (e2e build), kube-apiserver v1.37.2, simulator --time-scale ${o.timeScale}; ${o.reps} alternating run(s) of A/B/C per N (order rotated each round); medians`);
  p("A = KubeSphereExtension per extension (dependsOn), B = raw CustomResource InstallPlans, C = raw + pulumi.com/waitFor Installed; `up` = `pulumi up --yes --skip-preview`; preview on an empty stack");
  p("requests: kube-apiserver audit log (Metadata level, each auditID once); package = admin identity, non-Go user agent; engine = the Kubernetes provider (client-go user agent)");
  p("memory: peak RSS of the pulumi process tree (CLI + language host + program + plugins), sampled every 150 ms");
  p("");
}

function printN(r: NResult): void {
  {
    const s = r.samples;
    const done = (m: Mode): number => s[m].filter((x) => x.upMs !== undefined).length;
    p(`## N = ${r.n} (${r.n === 5 || r.n === 27 ? "real v4.1.3 catalog" : "synthetic catalog"}; ${r.set.filter((x) => x.deps.length).length} dependents, ${r.set.reduce((a, x) => a + x.deps.length, 0)} edges, critical path ${criticalPath(r.set)} edges; completed runs A ${done("A")}, B ${done("B")}, C ${done("C")})`);
    p("");
    p("| metric | A | B | C | ratio | target | |");
    p("|---|---:|---:|---:|---:|---|---|");
    const pv = MODES.map((m) => med(s[m], (x) => x.previewMs));
    const up = MODES.map((m) => med(s[m], (x) => x.upMs));
    const noop = MODES.map((m) => med(s[m], (x) => x.noopMs));
    p(`| preview (s) | ${fmtS(pv[0])} | ${fmtS(pv[1])} | ${fmtS(pv[2])} | A/B ${ratio(pv[0], pv[1])} | ≤ 1.2 | ${verdict(pv[0] / pv[1], 1.2)} |`);
    p(`| up from scratch (s) | ${fmtS(up[0])} | ${fmtS(up[1])} | ${fmtS(up[2])} | A/C ${ratio(up[0], up[2])} | ≤ 1.1 | ${verdict(up[0] / up[2], 1.1)} |`);
    p(`| no-change up (s) | ${fmtS(noop[0])} | ${fmtS(noop[1])} | ${fmtS(noop[2])} | A/B ${ratio(noop[0], noop[1])} | ≤ 1.2 | ${verdict(noop[0] / noop[1], 1.2)} |`);
    const ph = (m: Mode, k: "previewPhases" | "noopPhases" | "upPhases"): string => {
      const f = (q: keyof Phases): string => fmtS(med(s[m], (x) => x[k]?.[q]));
      return `${f("toStack")} + ${f("steps")} + ${f("toExit")}`;
    };
    for (const [label, k] of [["preview", "previewPhases"], ["up from scratch", "upPhases"]] as const) {
      p(`| ${label} split: start → stack line (CLI, language host, program load) + → last step line + → exit | ${ph("A", k)} | ${ph("B", k)} | ${ph("C", k)} | | | |`);
    }
    // A's preview between the stack line and the first component step: the program's own catalog reads.
    const firstComponent = (x: Sample): number | undefined => x.previewFirstComponent;
    p(`| A preview: stack line → first package request / → last catalog read done / → first InstallPlan step line (s) | ${fmtS(med(s.A, (x) => x.previewPkgFirst))} / ${fmtS(med(s.A, (x) => x.previewPkgLast))} / ${fmtS(med(s.A, firstComponent))} | | | | | |`);
    const gatingA = s.A.flatMap((x) => x.edges?.gating ?? []);
    const gatingC = s.C.flatMap((x) => x.edges?.gating ?? []);
    const eA = `${median(gatingA).toFixed(0)} / ${pct(gatingA, 95).toFixed(0)}`;
    const eC = `${median(gatingC).toFixed(0)} / ${pct(gatingC, 95).toFixed(0)}`;
    p(`| dependency edge, dependent created − dependency ready (ms, median / p95) | ${eA} | n/a | ${eC} | | ≤ 100 (A) | ${verdict(pct(gatingA, 95), 100)} (p95) |`);
    p(`| dependency edge min / max (ms) | ${Math.min(...gatingA).toFixed(0)} / ${Math.max(...gatingA).toFixed(0)} | | ${Math.min(...gatingC).toFixed(0)} / ${Math.max(...gatingC).toFixed(0)} | | | |`);
    const split = (m: Mode): string => {
      const f = (k: "waitDone" | "engineNext" | "planSeen"): string => median(s[m].flatMap((x) => x.edges?.[k] ?? [])).toFixed(0);
      return `${f("waitDone")} + ${f("engineNext")} + ${f("planSeen")}`;
    };
    p(`| edge split (ms, medians): ready → CLI prints the wait done + → CLI starts the dependent's plan + → plan seen | ${split("A")} | | ${split("C")} | | | |`);
    p(`| of which: ready → CLI prints the wait's "<dep>: Installed (host)" line (ms, median) | ${median(s.A.flatMap((x) => x.edges?.verdictLine ?? [])).toFixed(0)} | | | | | |`);
    const req = (m: Mode, f: (c: RequestCounts) => number, which: "upReq" | "noopReq" | "previewReq"): number => med(s[m], (x) => (x[which] ? f(x[which]!) : undefined));
    const pkgUp = req("A", (c) => c.bySource.package, "upReq");
    const pkgUpW = req("A", (c) => c.watchesBySource.package, "upReq");
    p(`| API requests during up: package (watches) | ${pkgUp} (${pkgUpW}) | ${req("B", (c) => c.bySource.package, "upReq")} | ${req("C", (c) => c.bySource.package, "upReq")} | per ext ${(pkgUp / r.n).toFixed(1)} | ≤ 3/ext + const | see fit below |`);
    p(`| API requests during up: engine (watches) | ${req("A", (c) => c.bySource.engine, "upReq")} (${req("A", (c) => c.watchesBySource.engine, "upReq")}) | ${req("B", (c) => c.bySource.engine, "upReq")} (${req("B", (c) => c.watchesBySource.engine, "upReq")}) | ${req("C", (c) => c.bySource.engine, "upReq")} (${req("C", (c) => c.watchesBySource.engine, "upReq")}) | | | |`);
    const pkgNoop = req("A", (c) => c.bySource.package, "noopReq");
    p(`| API requests during no-change up: package / engine | ${pkgNoop} / ${req("A", (c) => c.bySource.engine, "noopReq")} | ${req("B", (c) => c.bySource.package, "noopReq")} / ${req("B", (c) => c.bySource.engine, "noopReq")} | ${req("C", (c) => c.bySource.package, "noopReq")} / ${req("C", (c) => c.bySource.engine, "noopReq")} | | package 0 beyond the engine | ${pkgNoop === 0 ? "met" : "see fit below"} |`);
    p(`| API requests during preview: package / engine | ${req("A", (c) => c.bySource.package, "previewReq")} / ${req("A", (c) => c.bySource.engine, "previewReq")} | ${req("B", (c) => c.bySource.package, "previewReq")} / ${req("B", (c) => c.bySource.engine, "previewReq")} | ${req("C", (c) => c.bySource.package, "previewReq")} / ${req("C", (c) => c.bySource.engine, "previewReq")} | | | |`);
    const rssUp = MODES.map((m) => med(s[m], (x) => x.upRss));
    const rssPv = MODES.map((m) => med(s[m], (x) => x.previewRss));
    const mb = (b: number): string => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(0)} MB` : "-");
    p(`| peak RSS, up | ${mb(rssUp[0])} | ${mb(rssUp[1])} | ${mb(rssUp[2])} | A/B ${ratio(rssUp[0], rssUp[1])} | ≤ 1.3 (N=100) | ${r.n === 100 ? verdict(rssUp[0] / rssUp[1], 1.3) : ""} |`);
    p(`| peak RSS, preview | ${mb(rssPv[0])} | ${mb(rssPv[1])} | ${mb(rssPv[2])} | A/B ${ratio(rssPv[0], rssPv[1])} | | |`);
    const jobA = s.A.reduce((a, x) => a + (x.edges?.beforeJob ?? 0), 0);
    const instA = s.A.reduce((a, x) => a + (x.edges?.beforeInstalled ?? 0), 0);
    const edgesA = s.A.reduce((a, x) => a + (x.edges?.edges ?? 0), 0);
    p(`| edges where A wrote the dependent before the dependency's Job completed / before Installed | ${jobA} / ${instA} of ${edgesA} | | ${s.C.reduce((a, x) => a + (x.edges?.beforeJob ?? 0), 0)} / ${s.C.reduce((a, x) => a + (x.edges?.beforeInstalled ?? 0), 0)} of ${s.C.reduce((a, x) => a + (x.edges?.edges ?? 0), 0)} | | 0 (Job completion check) | ${jobA === 0 && instA === 0 && edgesA > 0 ? "holds" : edgesA ? "VIOLATED" : "no data"} |`);
    p("");
    const upReqA = s.A.find((x) => x.upReq)?.upReq;
    if (upReqA) {
      p(`package requests during one A up, by verb and resource: ${Object.entries(upReqA.packageByVerb).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
      p(`engine requests during one A up: ${Object.entries(upReqA.engineByVerb).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
      const noopA = s.A.find((x) => x.noopReq)?.noopReq;
      if (noopA) p(`package requests during one A no-change up: ${Object.entries(noopA.packageByVerb).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`);
      p(`user agents: ${Object.entries(upReqA.agents).map(([k, v]) => `${k}: ${[...v].join(" | ")}`).join("; ")}`);
    }
    for (const m of MODES) {
      const b = s[m].find((x) => x.upRssBreakdown)?.upRssBreakdown;
      if (b) p(`peak RSS of one ${m} up by process: ${Object.entries(b).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(0)} MB`).join(", ")}`);
    }
    for (const m of MODES) for (const x of s[m]) for (const f of x.failures) p(`FAILURE N=${r.n} ${m}: ${f}`);
    p("");
  }
}

function printFit(results: NResult[]): void {
  // Per-extension request cost: slope between the smallest and the largest N.
  const withReq = results.filter((r) => r.samples.A.some((x) => x.upReq));
  if (withReq.length >= 2) {
    const lo = withReq[0];
    const hi = withReq[withReq.length - 1];
    const c = (r: NResult): number => med(r.samples.A, (x) => x.upReq?.bySource.package);
    const slope = (c(hi) - c(lo)) / (hi.n - lo.n);
    const constant = c(lo) - slope * lo.n;
    p(`## API requests of the package during up, fit over N = ${lo.n} .. ${hi.n}: ${slope.toFixed(2)} per extension + ${constant.toFixed(0)} per program — target ≤ 3 per extension + a constant: ${verdict(slope, 3)}`);
    const cn = (r: NResult): number => med(r.samples.A, (x) => x.noopReq?.bySource.package);
    const slopeNoop = (cn(hi) - cn(lo)) / (hi.n - lo.n);
    p(`## API requests of the package during a no-change up, fit over N = ${lo.n} .. ${hi.n}: ${slopeNoop.toFixed(2)} per unchanged extension + ${(cn(lo) - slopeNoop * lo.n).toFixed(0)} per program — target 0 per unchanged extension: ${Number.isFinite(slopeNoop) ? (slopeNoop <= 0.05 ? "met" : "NOT met") : "no data"}`);
    p("");
  }
}

function printLoad(lc: LoadCost): void {
  p("## Where preview time goes (module load, median of 5 fresh node processes)");
  p(`require @pulumi/pulumi ${lc.pulumiMs.toFixed(0)} ms, then @pulumi/kubernetes ${lc.kubernetesMs.toFixed(0)} ms, then the package ${lc.packageMs.toFixed(0)} ms (` +
    `@kubernetes/client-node loaded by it: ${lc.clientNodeLoadedByPackage ? "yes" : "no"}; @kubernetes/client-node alone after the two SDKs: ${lc.clientNodeMs.toFixed(0)} ms)`);
  p(`modules the package adds at require time: ${Object.entries(lc.packageModules).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  p(`each dependency alone, after @pulumi/pulumi + @pulumi/kubernetes: ${Object.entries(lc.depMs).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ")}`);
  p("");
}

function printGuarantees(g: Guarantees): void {
  {
    p("## Guarantees (same run)");
    p(`| check | figures | target | |`);
    p(`|---|---|---|---|`);
    const ff = median(g.failFast.ms);
    p(`| fail-fast: InstallFailed (watch) → pulumi up exited | ${g.failFast.ms.map((x) => `${x} ms`).join(", ")} (median ${ff.toFixed(0)}); exit codes ${g.failFast.exitCodes.join(",")}; cause in output ${g.failFast.causeShown.filter(Boolean).length}/${g.failFast.causeShown.length} | ≤ 2000 ms, with the cause | ${verdict(ff, 2000)}${g.failFast.causeShown.every(Boolean) && g.failFast.exitCodes.every((x) => x !== 0) ? "" : " (cause or exit code missing)"} |`);
    const sa = g.stale.A.exitMinusNewInstalled;
    const sc = g.stale.C.exitMinusNewInstalled;
    p(`| stale status: config-only update (2 s slow upgrade), up exit − new spec Installed (ms; negative = returned on the stale Installed) | A: ${sa.join(", ")} ; C (waitFor): ${sc.join(", ")} | A ≥ 0 every time | ${sa.length && sa.every((x) => x >= 0) ? "holds" : "VIOLATED or no data"} |`);
    for (const n of g.notes) p(`note: ${n}`);
  }
}

function pulumiVersion(): string {
  try {
    const bin = builtBinDir();
    return bin ? execFileSync(path.join(bin, "pulumi"), ["version"], { encoding: "utf8" }).trim() : "?";
  } catch {
    return "?";
  }
}

// ---------------------------------------------------------------- CPU profiles of a preview

/** Which process a profile came from, from the scripts it ran. */
function roleOfProfile(file: string): string {
  const text = fs.readFileSync(file, "utf8");
  if (text.includes("cmd/dynamic-provider")) return "dynamic provider host";
  if (text.includes("cmd/run")) return "program";
  return "other node process";
}

async function profilePreviews(e: Env, n: number): Promise<void> {
  const set = setFor(n, CATALOG_DIR);
  const graph = writeGraph(`n${n}`, set);
  p(`## CPU profile of one preview per program, and of A's up (N = ${n}; node --cpu-prof in every node process; self time by package)`);
  for (const m of ["A", "B", "A up"] as const) {
    const mode: Mode = m === "B" ? "B" : "A";
    if (m !== "A up") await newStack(e, mode, `profile-n${n}`);
    const dir = path.join(WORK, "profiles", m.replace(" ", "-"));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const run = await pulumi(e, mode, m === "A up" ? ["up", "--yes", "--skip-preview"] : ["preview"], graph, { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
    p(`${m}${m === "A up" ? "" : " preview"}: ${fmtS(run.ms)} (exit ${run.code})`);
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".cpuprofile")).sort()) {
      p(`- ${m} ${roleOfProfile(path.join(dir, f))}: ${describeProfile(path.join(dir, f))}`);
    }
  }
  p("");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const e = await setUp(o);
  const results: NResult[] = [];
  const printed = new Set<NResult>();
  // Stopped early (the matrix is long): print what was measured, stop the cluster, exit non-zero.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      p(`\n(stopped by ${sig}: the figures below are from the runs completed so far)\n`);
      running?.kill("SIGINT");
      for (const r of results) if (!printed.has(r)) printN(r);
      printFit(results);
      e.timeline.stop();
      if (!o.keepCluster) sh("e2e/cluster-down.sh >/dev/null 2>&1 || true", { ...process.env, E2E_WORK_DIR: CLUSTER_WORK });
      process.exit(130);
    });
  }
  try {
    printHeader(o, started);
    if (o.profile) {
      await profilePreviews(e, o.ns[0]);
      return;
    }
    // The cheap parts first, so that an interrupted matrix still leaves them printed.
    printLoad(loadCost(e));
    log("guarantees: fail-fast, stale status");
    printGuarantees(await guarantees(e, Math.min(o.reps, 3)));
    for (const n of o.ns) {
      const set = setFor(n, CATALOG_DIR);
      if (set.length !== n) throw new Error(`bench: the set for N=${n} has ${set.length} extensions`);
      const graph = writeGraph(`n${n}`, set);
      const r: NResult = { n, set, samples: { A: [], B: [], C: [] } };
      results.push(r);
      for (const m of MODES) await newStack(e, m, `n${n}`);
      log(`N=${n}: ${o.reps} round(s) of A/B/C`);
      for (let rep = 0; rep < o.reps; rep++) {
        const order = [...MODES.slice(rep % 3), ...MODES.slice(0, rep % 3)];
        for (const m of order) {
          r.samples[m].push(await cycle(e, m, n, set, graph));
          fs.writeFileSync(path.join(WORK, "samples.json"), JSON.stringify(results, (_k, v) => (v instanceof Set ? [...v] : v), 1));
        }
      }
      printN(r);
      printed.add(r);
    }
    printFit(results);
  } finally {
    e.timeline.stop();
    if (!o.keepCluster) sh("e2e/cluster-down.sh >/dev/null 2>&1 || true", { ...process.env, E2E_WORK_DIR: CLUSTER_WORK });
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
