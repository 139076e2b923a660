/**
 * Faults the controller simulator can inject into helm executor runs, selected per extension,
 * version, cluster and action. They reproduce the failure modes of docs/kubesphere-behavior.md §6:
 *
 * - `fail`: the helm command fails. By default Helm first records a failed revision (the plan's
 *   message is then Helm's description, e.g. `Release "devops" failed: context deadline
 *   exceeded`); with `beforeRelease: true` it fails before any revision exists (chart render
 *   error, kubeVersion mismatch) and the message is the Job condition's "Job has reached the
 *   specified backoff limit". The pod log holds a realistic `helm --debug` transcript. A failing
 *   uninstall is a failing pre-delete hook: the release is left untouched and the plan ends
 *   `UninstallFailed` (docs/kubesphere-behavior.md §5 step 9).
 * - `clockSkew`: the helm pod's clock is `skewSeconds` off (negative = behind). With the clock
 *   behind, `last_deployed` is earlier than the `Installing` history entry, so success is
 *   discarded and the plan stays `Installing`/`Upgrading` for ever (§6.3).
 * - `deleteJob`: once the Job has finished, the Job and its pods (and so their logs) are deleted.
 * - `slow`: the helm step takes `delayMs` longer.
 * - `hang`: the pod never finishes (no `activeDeadlineSeconds`, §2.10): the plan stays
 *   `Installing` with an active Job.
 * - `chartFail`: loading the chart fails in the controller, before any Job (§2.5 step 2, §6.4):
 *   `InstallFailed`/`UpgradeFailed` with "Failed to install extension: <error>" (agents: "failed to
 *   upgrade extension: <error>"), `configHash`/`version`/`jobName` unchanged, and therefore the
 *   tight `Preparing ↔ …Failed` retry loop docs/kubesphere-behavior.md §6.4 infers. Use `times` to end the loop, or
 *   `settle({ until })` to stop inside it.
 *
 * Cluster unschedulability is not an executor fault: set it on the Cluster object
 * (`setClusterConditions`) or list the cluster under `unschedulableClusters` in a faults file.
 * An unreachable member cluster is controller state: `unreachableClusters` (option or faults
 * file) or `ControllerSimulator.setClusterReachable`.
 */
import * as YAML from "yaml";

/** The executor actions (`executor.kubesphere.io/action`). */
export type ExecutorAction = "install" | "upgrade" | "uninstall";

/** One executor fault rule. */
export interface ExecutorFault {
  /** What happens. */
  effect: "fail" | "clockSkew" | "deleteJob" | "slow" | "hang" | "chartFail";
  /** Extension name; omitted = any. */
  extension?: string;
  /** Target ExtensionVersion `spec.version` of the run; omitted = any. */
  version?: string;
  /**
   * Cluster: omitted = the host release only; a name = that cluster's agent release (`host` as a
   * scheduling target also means an agent); `"*"` = every release.
   */
  cluster?: string;
  /** Action; omitted = any. */
  action?: ExecutorAction;
  /** `fail`/`chartFail`: the error text (defaults: `context deadline exceeded`; a chart download error). */
  error?: string;
  /** `fail`: fail before Helm writes a revision. */
  beforeRelease?: boolean;
  /** `clockSkew`: helm clock offset in seconds (default -30, i.e. 30 s behind). */
  skewSeconds?: number;
  /** `slow`: extra milliseconds for the helm step. */
  delayMs?: number;
  /** How many runs it affects (default: all). */
  times?: number;
}

/** What a faults file (for `simulator/main.ts`) may contain. */
export interface FaultsFile {
  /** Executor faults. */
  faults?: ExecutorFault[];
  /** Cluster names to mark `Schedulable=False` at start. */
  unschedulableClusters?: string[];
  /** Cluster names to mark `Ready=False` at start. */
  notReadyClusters?: string[];
  /** Member clusters whose API the controller cannot reach (reconciles error and retry). */
  unreachableClusters?: string[];
}

/** Describes one executor run, for matching. */
export interface RunDescriptor {
  /** Extension name. */
  extension: string;
  /** ExtensionVersion `spec.version` being installed (for uninstall: the recorded version). */
  version: string;
  /** `undefined` for the host release, else the agent's cluster name. */
  cluster?: string;
  /** Executor action of the Job. */
  action: ExecutorAction;
}

const EFFECTS = ["fail", "clockSkew", "deleteJob", "slow", "hang", "chartFail"] as const;

/** True when `fault` applies to `run`. */
export function faultMatches(fault: ExecutorFault, run: RunDescriptor): boolean {
  if (fault.extension !== undefined && fault.extension !== run.extension) return false;
  if (fault.version !== undefined && fault.version !== run.version) return false;
  if (fault.action !== undefined && fault.action !== run.action) return false;
  if (fault.cluster === "*") return true;
  return fault.cluster === run.cluster;
}

/** A mutable set of executor faults with usage counting. */
export class ExecutorFaults {
  private rules: Array<{ fault: ExecutorFault; remaining: number }> = [];

  /** @param faults initial rules. */
  constructor(faults: ExecutorFault[] = []) {
    faults.forEach((f) => this.add(f));
  }

  /** Adds a rule (validated). */
  add(fault: ExecutorFault): void {
    if (!EFFECTS.includes(fault.effect)) {
      throw new Error(`simulator fault: unknown effect "${String(fault.effect)}"; expected one of ${EFFECTS.join(", ")}`);
    }
    if (fault.times !== undefined && !(fault.times > 0)) throw new Error(`simulator fault: "times" must be > 0, got ${fault.times}`);
    this.rules.push({ fault: { ...fault }, remaining: fault.times ?? Infinity });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Returns (consuming one use of each) every rule with one of `effects` that applies to `run`. */
  take(run: RunDescriptor, effects: ReadonlyArray<ExecutorFault["effect"]> = EFFECTS): ExecutorFault[] {
    const hits = this.rules.filter((r) => r.remaining > 0 && effects.includes(r.fault.effect) && faultMatches(r.fault, run));
    for (const h of hits) h.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return hits.map((h) => h.fault);
  }
}

/** Parses a faults file (YAML or JSON text), validating field types with messages naming the field. */
export function parseFaultsFile(text: string): FaultsFile {
  const doc = (YAML.parse(text) ?? {}) as FaultsFile;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new Error("faults file: top level must be a mapping");
  const strings = (v: unknown, field: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new Error(`faults file: ${field} must be a list of cluster names`);
    return v;
  };
  const faults = doc.faults ?? [];
  if (!Array.isArray(faults)) throw new Error("faults file: faults must be a list");
  faults.forEach((f, i) => {
    if (!f || typeof f !== "object") throw new Error(`faults file: faults[${i}] must be a mapping`);
    if (!EFFECTS.includes(f.effect)) throw new Error(`faults file: faults[${i}].effect must be one of ${EFFECTS.join(", ")}, got ${JSON.stringify(f.effect)}`);
  });
  return {
    faults,
    unschedulableClusters: strings(doc.unschedulableClusters, "unschedulableClusters"),
    notReadyClusters: strings(doc.notReadyClusters, "notReadyClusters"),
    unreachableClusters: strings(doc.unreachableClusters, "unreachableClusters"),
  };
}
