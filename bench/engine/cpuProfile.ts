/**
 * Summarizes V8 `.cpuprofile` files (written by `node --cpu-prof`) as self time per package, so a
 * preview's CPU time can be attributed: `@pulumi/pulumi`, `@kubernetes/client-node`, this package's
 * own modules (`bin/components/...`), node internals (module loading and compiling show up there),
 * garbage collection, idle.
 */
import * as fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which bucket a frame's script belongs to. */
export function bucketOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "(gc)";
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(program)") return "(program: V8/native, incl. compiling)";
    return "(native)";
  }
  if (url.startsWith("node:")) return "node internals (incl. module loading)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    // The SDK's closure serializer (dynamic providers are serialized per resource) apart from the rest.
    if (pkg === "@pulumi/pulumi" && url.includes("/runtime/closure/")) return "@pulumi/pulumi closure serializer";
    return pkg;
  }
  const own = /\/bin\/(components|index\.js|simulator|cli)/.exec(url);
  if (own) return "this package (bin/)";
  return "program / other";
}

/** Self time (ms) per bucket, and the wall span of the profile (ms). */
export function summarize(file: string): { wallMs: number; byBucket: Record<string, number> } {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byBucket: Record<string, number> = {};
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    if (!n) continue;
    const b = bucketOf(n.callFrame.url, n.callFrame.functionName);
    byBucket[b] = (byBucket[b] ?? 0) + (p.timeDeltas[i] ?? 0) / 1000;
  }
  return { wallMs: (p.endTime - p.startTime) / 1000, byBucket };
}

/** One line per profile: wall time and the largest buckets. */
export function describeProfile(file: string, top = 8): string {
  const s = summarize(file);
  const parts = Object.entries(s.byBucket).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${k} ${v.toFixed(0)} ms`);
  return `wall ${s.wallMs.toFixed(0)} ms: ${parts.join(", ")}`;
}
