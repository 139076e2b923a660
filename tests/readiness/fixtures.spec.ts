/**
 * Runs every `tests/fixtures/installplan/*.yaml` through the pure readiness assessment and checks
 * the pinned status and message substring (argo-cd `health_test.yaml` style). Adding a case means
 * adding a file; this test fails if a fixture is malformed or its file name disagrees with its
 * expected status.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  assessInstallPlan, assessInstallPlanDeletion, DeletionContext, ExpectedInstallPlan, ReadinessStatus,
} from "../../components/readiness/assess";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlan } from "../../components/kubesphere/types";

const DIR = path.join(__dirname, "..", "fixtures", "installplan");

interface Fixture {
  description: string;
  mode?: "install" | "deletion";
  expected: Omit<ExpectedInstallPlan, "configHash"> & { configHash?: string; config?: string };
  context?: Omit<DeletionContext, "now"> & { now?: string };
  observed: InstallPlan | null;
  want: { status: ReadinessStatus; message: string; clusters?: Record<string, ReadinessStatus>; decidedBy?: string; preJobFailure?: string };
}

function load(file: string): Fixture {
  const f = parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Fixture;
  for (const key of ["description", "expected", "want"] as const) {
    if (f[key] === undefined) throw new Error(`${file}: missing top-level "${key}"`);
  }
  if (!("observed" in f)) throw new Error(`${file}: missing top-level "observed" (use null for a missing plan)`);
  return f;
}

function expectedOf(f: Fixture): ExpectedInstallPlan {
  const { config, ...rest } = f.expected;
  const configHash = rest.configHash ?? fnv1a64Hex(config ?? "");
  return { ...rest, configHash, version: String(rest.version) };
}

const files = fs.readdirSync(DIR).filter((n) => n.endsWith(".yaml")).sort();

describe("InstallPlan readiness fixtures", () => {
  it("has fixtures for every status", () => {
    const statuses = new Set(files.map((f) => f.split("_")[0]));
    expect([...statuses].sort()).to.deep.equal(["failed", "progressing", "ready", "stalled", "unknown"]);
  });

  for (const file of files) {
    it(file.replace(/\.yaml$/, ""), () => {
      const f = load(file);
      expect(file.split("_")[0], "file name must start with the wanted status").to.equal(f.want.status.toLowerCase());
      const ctx: DeletionContext = { ...(f.context ?? {}), now: f.context?.now ? Date.parse(f.context.now) : undefined };
      if (ctx.now === undefined) delete ctx.now;
      const observed = f.observed ?? undefined;
      const got = f.mode === "deletion" ? assessInstallPlanDeletion(observed, ctx) : assessInstallPlan(observed, expectedOf(f), ctx);
      const where = `${file}: ${f.description}\n  got ${got.status}: ${got.message}`;
      expect(got.status, where).to.equal(f.want.status);
      expect(got.message, where).to.contain(f.want.message);
      if (f.want.clusters) {
        expect(Object.fromEntries(Object.entries(got.clusters).map(([c, r]) => [c, r.status])), where).to.deep.equal(f.want.clusters);
      }
      expect(got.decidedBy, where).to.equal(f.want.decidedBy);
      if (f.want.preJobFailure !== undefined) expect(got.preJobFailure ?? "", where).to.contain(f.want.preJobFailure);
      else expect(got.preJobFailure, where).to.equal(undefined);
    });
  }
});
