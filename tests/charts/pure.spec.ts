/** Pure pieces: path formatting, nearest names, Helm-style merging, default diffs, the values model. */
import { expect } from "chai";
import { editDistance, formatPath, nearestName } from "../../components/charts/findings";
import { diffDefaults } from "../../components/charts/upgrade";
import { buildValuesModel, isKnownPath, mergeValues } from "../../components/charts/valuesModel";
import type { Chart } from "../../components/charts/chart";
import { checkStructure } from "../../components/charts/structureCheck";
import { parseUserValues } from "../../components/charts/userValues";

function chart(partial: Partial<Chart> & { name: string }): Chart {
  return { version: "1.0.0", values: {}, dependencies: [], subcharts: [], templateRefs: [], origin: partial.name, ...partial };
}

describe("chart checks: pure pieces", () => {
  it("formatPath quotes keys with dots or slashes and brackets list indexes", () => {
    expect(formatPath(["agent", "podAnnotations", "kubesphere.io/x", 0])).to.equal("agent.podAnnotations[\"kubesphere.io/x\"][0]");
    expect(formatPath([])).to.equal("(top level)");
  });

  it("nearestName: typos within a third of the length, case-insensitive, transpositions count once", () => {
    expect(editDistance("agnet", "agent")).to.equal(1);
    expect(nearestName("whizard-monitoring-agnet", ["whizard-monitoring-agent", "frontend"])).to.equal("whizard-monitoring-agent");
    expect(nearestName("master", ["Master", "Agent"])).to.equal("Master");
    expect(nearestName("replicaCount", ["image", "service"])).to.equal(undefined);
  });

  it("mergeValues: the top wins, maps merge, null deletes (Helm's unset)", () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: 9, c: null }, d: [2, 3] })).to.deep.equal({ a: { b: 9 }, d: [2, 3] });
  });

  it("diffDefaults: leaves added, removed and changed; a list is one leaf", () => {
    expect(diffDefaults({ a: { b: 1, c: [1] }, x: 1 }, { a: { b: 2, c: [1, 2] }, y: {} })).to.deep.equal([
      { path: ["a", "b"], change: "changed", from: 1, to: 2 },
      { path: ["a", "c"], change: "changed", from: [1], to: [1, 2] },
      { path: ["x"], change: "removed", from: 1 },
      { path: ["y"], change: "added", to: {} },
    ]);
  });

  it("values model: subchart under its alias, parent values win, globals unioned (parent first), conditions, tags and template refs known", () => {
    const sub = chart({ name: "argo-cd", values: { server: { replicas: 1, port: 80 }, global: { image: { tag: "v1" }, sub: true } }, templateRefs: [["server", "extraFlag"], ["global", "proxy"]] });
    const root = chart({
      name: "agent", values: { argocd: { server: { replicas: 3 } }, global: { image: { tag: "v2" } } },
      dependencies: [{ name: "argo-cd", alias: "argocd", condition: "argocd.enabled", tags: ["agent"] }], subcharts: [sub],
    });
    const m = buildValuesModel(root);
    expect(m.defaults).to.deep.equal({ argocd: { server: { replicas: 3, port: 80 } }, global: { image: { tag: "v2" }, sub: true } });
    for (const p of [["argocd", "enabled"], ["tags", "agent"], ["argocd", "server", "extraFlag", "deep"], ["global", "proxy"], ["argocd", "global", "x"]]) {
      expect(isKnownPath(m, p), p.join(".")).to.equal(true);
    }
    expect(isKnownPath(m, ["argo-cd"])).to.equal(false);
    const user = parseUserValues("argo-cd:\n  server: {}\nargocd:\n  enabled: true\n  server:\n    extraFlag: {a: 1}\n    replica: 2\n");
    if (!user.ok) throw new Error(user.problem);
    expect(checkStructure(m, user.root).map((f) => [f.path, f.line])).to.deep.equal([["argo-cd", 1], ["argocd.server.replica", 7]]);
  });

  it("user values are read as Helm reads them: YAML 1.1 booleans, merge keys, aliases", () => {
    const m = buildValuesModel(chart({ name: "c", values: { base: { enabled: false, size: 1 }, other: { enabled: false, size: 1 } } }));
    const user = parseUserValues("base: &b\n  enabled: yes\n  size: 2\nother:\n  <<: *b\n  sise: 3\n");
    if (!user.ok) throw new Error(user.problem);
    expect(checkStructure(m, user.root).map((f) => [f.path, f.line])).to.deep.equal([["other.sise", 6]]);
  });
});
