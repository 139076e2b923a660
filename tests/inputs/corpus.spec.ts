import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Catalog } from "../../components/catalog/catalog";
import { loadCatalogSource } from "../../components/catalog/museumIndex";
import { readYamlDocuments, StaticCatalog } from "../../components/catalog/staticCatalog";
import { ExtensionResolutionError } from "../../components/resolve/errors";
import { parseCommonArgs } from "../../components/resolve/input";
import { resolveSet } from "../../components/resolve/resolveSet";
import { CATALOG_DIR, FIXTURE_FACTS } from "../support/sharedFixture";
import { CORPUS, CorpusEntry, InputClass, Run } from "./corpus";

const BASE_DOCS = readYamlDocuments([CATALOG_DIR]);
const BASE = new StaticCatalog(BASE_DOCS, FIXTURE_FACTS, "static catalog corpus");

/** A catalog whose every read fails as an unreachable API server's would. */
function unreachable(): Catalog {
  const fail = async (): Promise<never> => { throw new Error("connect ECONNREFUSED 127.0.0.1:6443"); };
  return {
    description: "the unreachable cluster", extensionVersions: fail, extensions: fail, categories: fail, repositories: fail,
    clusters: fail, installPlans: fail, hostVersions: fail,
  };
}

function catalogFor(run: { facts?: object; docs?: unknown[]; unreachable?: boolean }): Catalog {
  if (run.unreachable) return unreachable();
  if (!run.facts && !run.docs) return BASE;
  return new StaticCatalog([...BASE_DOCS, ...(run.docs ?? [])], { ...FIXTURE_FACTS, ...(run.facts ?? {}) }, "static catalog corpus");
}

/** Runs an entry and returns every problem line it produced (none when it was accepted). */
async function problemsOf(run: Run): Promise<string[]> {
  switch (run.kind) {
    case "common":
      return parseCommonArgs(run.args).problems.map((p) => p.message);
    case "catalogFile": {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-"));
      try {
        const file = path.join(dir, run.file);
        fs.writeFileSync(file, run.content);
        if (run.museum) loadCatalogSource([file], FIXTURE_FACTS);
        else StaticCatalog.fromFiles([file], FIXTURE_FACTS);
        return [];
      } catch (e) {
        expect(e).to.not.be.instanceOf(TypeError);
        return [(e as Error).message];
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    case "request":
    case "set": {
      const requests = run.kind === "request" ? [run.request] : run.requests;
      try {
        await resolveSet(catalogFor(run), requests, run.context ?? {});
        return [];
      } catch (e) {
        // Never a TypeError or a stack trace: every failure is a resolution error listing problems.
        expect(e, (e as Error)?.stack).to.be.instanceOf(ExtensionResolutionError);
        return (e as ExtensionResolutionError).problems;
      }
    }
    default:
      throw new Error("unknown run kind");
  }
}

const outcomes = new Map<InputClass, { passed: number; failed: number }>();
function count(cls: InputClass, ok: boolean): void {
  const o = outcomes.get(cls) ?? { passed: 0, failed: 0 };
  if (ok) o.passed++; else o.failed++;
  outcomes.set(cls, o);
}

function check(entry: CorpusEntry, problems: string[]): void {
  expect(problems, "the bad input was accepted").to.not.be.empty;
  const line = problems.find((p) => entry.field.test(p) && entry.wrong.test(p) && entry.valid.test(p));
  expect(line, `no single problem names the field (${entry.field}), what was wrong (${entry.wrong}) and what would be ` +
    `valid (${entry.valid}); problems were:\n${problems.join("\n")}`).to.not.equal(undefined);
  if (entry.never !== undefined) for (const p of problems) expect(p).to.not.include(entry.never);
}

describe("bad-input corpus (issue 12)", () => {
  it(`has at least 150 entries (${CORPUS.length})`, () => {
    expect(CORPUS.length).to.be.at.least(150);
  });

  for (const entry of CORPUS) {
    it(`[${entry.cls}] ${entry.title}`, async () => {
      let ok = false;
      try {
        check(entry, await problemsOf(entry.run));
        ok = true;
      } finally {
        count(entry.cls, ok);
      }
    });
  }

  after(() => {
    const rows = [...outcomes.entries()].map(([cls, o]) => `  ${cls}: ${o.passed} rejected as expected${o.failed ? `, ${o.failed} FAILED` : ""}`);
    console.log(`\n  corpus outcomes by class (${CORPUS.length} entries):\n${rows.join("\n")}`);
  });
});

describe("legitimate input the corpus rules must keep accepting", () => {
  it("more than 100 anchors/aliases in configYaml", async () => {
    const yaml = `base: &b {x: 1}\n${Array.from({ length: 150 }, (_, i) => `k${i}: *b`).join("\n")}\n`;
    const set = await resolveSet(BASE, [{ name: "devops", version: "1.1.2", configYaml: yaml }], {});
    expect(set.members[0].installPlan.spec.config).to.include("k149: *b");
  });

  it("a catalog file with more than 100 aliases", async () => {
    let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: kubesphere.io/v1alpha1, kind: Category, metadata: {name: c0, labels: &base {team: a}}}\n";
    for (let i = 1; i <= 120; i++) text += `- {apiVersion: kubesphere.io/v1alpha1, kind: Category, metadata: {name: c${i}, labels: *base}}\n`;
    const cat = StaticCatalog.fromYaml(text, FIXTURE_FACTS);
    expect(await cat.categories()).to.have.length(121);
  });

  it("null in an optional field means unset (YAML `key:`, Python None)", async () => {
    const set = await resolveSet(BASE, [{ name: "devops", version: "1.1.2", enabled: null, config: null, retry: null }], {});
    expect(set.members[0].installPlan.spec.enabled).to.equal(true);
  });

  it("allowNoClusters: true accepts a selector that matches nothing", async () => {
    const set = await resolveSet(BASE, [{ name: "metrics-server", version: "0.7.1", clusterScheduling: { clusterSelector: { matchLabels: { region: "mars" } }, allowNoClusters: true } }], {});
    expect(set.members[0].targetClusters).to.deep.equal([]);
  });

  it("adopt: true takes over a plan from the console, and says so", async () => {
    const cat = new StaticCatalog([...BASE_DOCS, { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops" },
      spec: { extension: { name: "devops", version: "1.1.2" }, enabled: true } }], FIXTURE_FACTS);
    const set = await resolveSet(cat, [{ name: "devops", version: "1.1.2", adopt: true }], { stack: "proj/dev" });
    expect(set.members[0].adopted).to.equal(true);
    expect(set.members[0].installPlan.metadata.annotations!["kubesphere-ext.io/managed-by-stack"]).to.equal("proj/dev");
    expect(set.members[0].warnings.join("\n")).to.match(/taking over the existing InstallPlan "devops"/);
  });

  it("a plan this stack created is not a take-over", async () => {
    const cat = new StaticCatalog([...BASE_DOCS, { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan",
      metadata: { name: "devops", annotations: { "kubesphere-ext.io/managed-by-stack": "proj/dev" } },
      spec: { extension: { name: "devops", version: "1.1.2" }, enabled: true } }], FIXTURE_FACTS);
    const set = await resolveSet(cat, [{ name: "devops", version: "1.1.2" }], { stack: "proj/dev" });
    expect(set.members[0].adopted).to.equal(undefined);
  });
});
