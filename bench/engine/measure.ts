/**
 * What the engine benchmark observes from outside the programs: peak RSS of a process tree, API
 * requests in the kube-apiserver audit log, and the InstallPlans/Jobs as a watch sees them (for the
 * dependency-edge latency, fail-fast and stale-status checks).
 */
import * as fs from "node:fs";
import * as k8s from "@kubernetes/client-node";

// ---------------------------------------------------------------- peak RSS of a process tree

const PAGE = 4096;

function procTable(): Map<number, { ppid: number; rssBytes: number; comm: string }> {
  const out = new Map<number, { ppid: number; rssBytes: number; comm: string }>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      // Fields after the command name (which may contain spaces) start at state.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(d), { ppid: Number(rest[1]), rssBytes: Number(rest[21]) * PAGE, comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/** What a node process of the tree is, from its command line (program, dynamic provider, ...). */
function describe(pid: number, comm: string): string {
  // Node.js 24 names its main thread, so `comm` is "MainThread" rather than "node".
  if (comm !== "node" && comm !== "MainThread") return comm;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    if (cmd.includes("dynamic-provider")) return "node (dynamic provider host)";
    if (cmd.includes("@pulumi/pulumi/cmd/run")) return "node (program)";
    return `node (other: ${cmd.slice(0, 60)})`;
  } catch {
    return comm;
  }
}

/** Sum of RSS over `root` and all its descendants, now; with `breakdown`, also the sum per process kind. */
export function treeRss(root: number, breakdown?: Map<string, number>): number {
  const table = procTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid)!.push(pid);
  }
  let sum = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const p = table.get(pid);
    sum += p?.rssBytes ?? 0;
    if (breakdown && p) {
      const k = describe(pid, p.comm);
      breakdown.set(k, (breakdown.get(k) ?? 0) + p.rssBytes);
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

/** Samples the tree's RSS every `intervalMs` until stopped; `peak()` is the largest sum seen. */
export class RssSampler {
  private max = 0;
  /** RSS per process kind at the peak sample. */
  peakBreakdown = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  /** @param root pid of the tree's root. @param intervalMs sampling period. */
  constructor(private readonly root: number, intervalMs = 150) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  private sample(): void {
    const b = new Map<string, number>();
    const now = treeRss(this.root, b);
    if (now > this.max) {
      this.max = now;
      this.peakBreakdown = b;
    }
  }

  /** Stops sampling; returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    return this.max;
  }
}

// ---------------------------------------------------------------- audit log

/** Who made a request, from the audit event's user and user agent. */
export type RequestSource = "engine" | "package" | "simulator" | "driver" | "cluster" | "kubectl";

/** Requests of one window, by source, with details for the package. */
export interface RequestCounts {
  /** Distinct requests (auditIDs) per source. */
  bySource: Record<RequestSource, number>;
  /** Of those, watches per source. */
  watchesBySource: Record<RequestSource, number>;
  /** Package requests by `verb resource`. */
  packageByVerb: Record<string, number>;
  /** Engine (Kubernetes provider) requests by `verb resource`. */
  engineByVerb: Record<string, number>;
  /** User agents seen per source (to check the classification). */
  agents: Record<string, Set<string>>;
  /** First request received / last non-watch request completed, of the package (ms since epoch). */
  packageFirstAt?: number;
  packageLastAt?: number;
}

interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  user?: { username?: string };
  userAgent?: string;
  objectRef?: { resource?: string; subresource?: string; name?: string };
  requestURI?: string;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
}

/** Classifies one event. The admin identity is shared by the programs, the engine and kube-controller-manager. */
export function sourceOf(e: { user?: { username?: string }; userAgent?: string }): RequestSource {
  const user = e.user?.username ?? "";
  const ua = e.userAgent ?? "";
  if (user === "bench-simulator") return "simulator";
  if (user === "bench-driver") return "driver";
  if (user !== "e2e-admin") return "cluster";
  if (/kube-controller-manager/.test(ua)) return "cluster";
  if (/^kubectl/.test(ua)) return "kubectl";
  // The Kubernetes provider is a Go client-go program (`pulumi-resource-kubernetes/... kubernetes/...`).
  if (/pulumi-resource-kubernetes|pulumi-kubernetes|Go-http-client|kubernetes\/\$Format/i.test(ua)) return "engine";
  return "package";
}

/** Reads the audit log from a byte offset. */
export class AuditLog {
  /** @param file the kube-apiserver's `--audit-log-path`. */
  constructor(readonly file: string) {}

  /** Current size (the offset of the next event). */
  offset(): number {
    return fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
  }

  /** Requests logged since `from` (each auditID once; RequestReceived is not logged by the policy). */
  countSince(from: number): RequestCounts {
    const zero = (): Record<RequestSource, number> => ({ engine: 0, package: 0, simulator: 0, driver: 0, cluster: 0, kubectl: 0 });
    const out: RequestCounts = { bySource: zero(), watchesBySource: zero(), packageByVerb: {}, engineByVerb: {}, agents: {} };
    const size = this.offset();
    if (size <= from) return out;
    const fd = fs.openSync(this.file, "r");
    const buf = Buffer.alloc(size - from);
    fs.readSync(fd, buf, 0, buf.length, from);
    fs.closeSync(fd);
    const seen = new Set<string>();
    for (const line of buf.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      let e: AuditEvent;
      try {
        e = JSON.parse(line);
      } catch {
        continue; // a line still being written
      }
      if (seen.has(e.auditID)) continue;
      seen.add(e.auditID);
      const src = sourceOf(e);
      out.bySource[src]++;
      if (e.verb === "watch") out.watchesBySource[src]++;
      (out.agents[src] ??= new Set()).add((e.userAgent ?? "").slice(0, 80));
      const what = `${e.verb} ${e.objectRef?.resource ?? e.requestURI?.split("?")[0] ?? "?"}${e.objectRef?.subresource ? "/" + e.objectRef.subresource : ""}`;
      if (src === "package") {
        out.packageByVerb[what] = (out.packageByVerb[what] ?? 0) + 1;
        const rx = Date.parse(e.requestReceivedTimestamp ?? "");
        const done = Date.parse(e.stageTimestamp ?? "");
        if (Number.isFinite(rx)) out.packageFirstAt = Math.min(out.packageFirstAt ?? Infinity, rx);
        if (e.verb !== "watch" && Number.isFinite(done)) out.packageLastAt = Math.max(out.packageLastAt ?? -Infinity, done);
      }
      if (src === "engine") out.engineByVerb[what] = (out.engineByVerb[what] ?? 0) + 1;
    }
    return out;
  }
}

/** The audit policy: metadata of every request, logged once it is answered (watches: also when they start). */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`;

// ---------------------------------------------------------------- plans and Jobs as a watch sees them

/** One observation of an InstallPlan. */
export interface PlanObservation {
  /** Local time (ms since epoch) the watch event arrived. */
  t: number;
  type: string;
  state?: string;
  specVersion?: string;
  statusVersion?: string;
  configHash?: string;
  jobName?: string;
  specConfig?: string;
}

/** Watches InstallPlans and Jobs for the whole benchmark and keeps a timeline of each. */
export class ClusterTimeline {
  /** InstallPlan name -> observations in arrival order. */
  readonly plans = new Map<string, PlanObservation[]>();
  /** Job name -> local time it was first seen complete (`status.succeeded` or condition Complete). */
  readonly jobsComplete = new Map<string, number>();
  private readonly stops: Array<() => void> = [];
  private stopped = false;

  /** @param kc the driver's kubeconfig (its own client identity). */
  constructor(private readonly kc: k8s.KubeConfig) {}

  /** Starts both watches; resolves once both are connected. */
  async start(): Promise<void> {
    await Promise.all([
      this.watch("/apis/kubesphere.io/v1alpha1/installplans", (type, o) => this.onPlan(type, o)),
      this.watch("/apis/batch/v1/jobs", (_type, o) => this.onJob(o)),
    ]);
  }

  private onPlan(type: string, o: any): void {
    const name = o?.metadata?.name;
    if (!name) return;
    if (!this.plans.has(name)) this.plans.set(name, []);
    this.plans.get(name)!.push({
      t: Date.now(), type, state: o.status?.state, specVersion: o.spec?.extension?.version,
      statusVersion: o.status?.version, configHash: o.status?.configHash, jobName: o.status?.jobName,
      specConfig: o.spec?.config,
    });
  }

  private onJob(o: any): void {
    const name = o?.metadata?.name;
    if (!name || this.jobsComplete.has(name)) return;
    const complete = (o.status?.succeeded ?? 0) > 0
      || (o.status?.conditions ?? []).some((c: any) => c.type === "Complete" && c.status === "True");
    if (complete) this.jobsComplete.set(name, Date.now());
  }

  private async watch(path: string, on: (type: string, o: any) => void): Promise<void> {
    const w = new k8s.Watch(this.kc);
    let firstConnect: (() => void) | undefined;
    const connected = new Promise<void>((r) => (firstConnect = r));
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        const req = await w.watch(path, { allowWatchBookmarks: false }, (type, obj) => on(type, obj), () => {
          if (!this.stopped) setTimeout(() => void loop(), 200);
        });
        this.stops.push(() => req.abort());
        firstConnect?.();
      } catch {
        if (!this.stopped) setTimeout(() => void loop(), 500);
      }
    };
    await loop();
    await connected;
  }

  /** Stops the watches. */
  stop(): void {
    this.stopped = true;
    for (const s of this.stops) s();
  }

  /** First time in [from, to] the plan was seen (created). */
  createdAt(name: string, from: number, to: number): number | undefined {
    return this.plans.get(name)?.find((o) => o.t >= from && o.t <= to)?.t;
  }

  /**
   * When the plan became ready by the package's rule (state Installed for the spec's version, and
   * its executor Job complete), within [from, to]; `undefined` if it did not.
   */
  readyAt(name: string, from: number, to: number): { ready: number; installed: number; jobComplete?: number } | undefined {
    const obs = this.plans.get(name)?.filter((o) => o.t >= from && o.t <= to) ?? [];
    const inst = obs.find((o) => o.state === "Installed" && o.statusVersion === o.specVersion);
    if (!inst) return undefined;
    const job = inst.jobName ? this.jobsComplete.get(inst.jobName) : undefined;
    return { ready: Math.max(inst.t, job ?? 0), installed: inst.t, jobComplete: job };
  }

  /** First time in [from, to] the plan was seen in `state`. */
  firstState(name: string, state: string, from: number, to = Infinity): number | undefined {
    return this.plans.get(name)?.find((o) => o.t >= from && o.t <= to && o.state === state)?.t;
  }

  /** Number of plans that currently exist (last event not DELETED). */
  livePlans(): string[] {
    return [...this.plans.entries()].filter(([, obs]) => obs.length && obs[obs.length - 1].type !== "DELETED").map(([n]) => n);
  }
}
