/** OfflineChartSource: a museum index.yaml names the files; bad files end in "not checked" with a reason. */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkChartConfig } from "../../components/charts/checkChartConfig";
import { OfflineChartSource } from "../../components/charts/offlineSource";

const CHARTS = path.resolve(__dirname, "../fixtures/charts");

describe("OfflineChartSource", () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "ksext-charts-")); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds archives through a museum index.yaml (urls, any file name) and says so", async () => {
    fs.copyFileSync(path.join(CHARTS, "vector-1.0.4.tgz"), path.join(dir, "vector-archive.tgz"));
    fs.writeFileSync(path.join(dir, "index.yaml"), "apiVersion: v1\nentries:\n  vector:\n  - version: 1.0.4\n    urls: [charts/vector-archive.tgz]\n");
    const source = OfflineChartSource.fromDirectory(path.join(dir, "index.yaml"));
    expect(source.description).to.equal(`chart archives beside ${path.join(dir, "index.yaml")}`);
    const r = await checkChartConfig({ source, extension: "vector", version: "1.0.4", configYaml: "agent:\n  resourcs: {}\n" });
    expect(r.sourceDescription).to.equal(path.join(dir, "vector-archive.tgz"));
    expect(r.findings.map((f) => f.path)).to.deep.equal(["agent.resourcs"]);
  });

  it("a corrupt archive, an archive of another chart, and a bad index are named", async () => {
    fs.writeFileSync(path.join(dir, "devops-1.1.2.tgz"), "not an archive");
    fs.copyFileSync(path.join(CHARTS, "vector-1.0.4.tgz"), path.join(dir, "devops-1.1.3.tgz"));
    const source = OfflineChartSource.fromDirectory(dir);
    const corrupt = await checkChartConfig({ source, extension: "devops", version: "1.1.2", configYaml: "a: 1" });
    expect(corrupt.checked).to.equal(false);
    expect(corrupt.note).to.include("chart archive devops-1.1.2.tgz: is not a gzip-compressed tar archive");
    const other = await checkChartConfig({ source, extension: "devops", version: "1.1.3", configYaml: "a: 1" });
    expect(other.note).to.include("chart archive devops-1.1.3.tgz holds chart vector 1.0.4, not devops 1.1.3");
    fs.writeFileSync(path.join(dir, "index.yaml"), "entries: [\n");
    expect(() => OfflineChartSource.fromDirectory(dir)).to.throw(/index\.yaml cannot be read as a Helm repository index/);
    expect(() => OfflineChartSource.fromDirectory(path.join(dir, "nope"))).to.throw(/chart directory .*nope: cannot read it \(ENOENT\)/);
  });

  it("two sources in one process read separately (no shared cache)", async () => {
    fs.copyFileSync(path.join(CHARTS, "vector-1.0.4.tgz"), path.join(dir, "vector-1.0.4.tgz"));
    const first = await OfflineChartSource.fromDirectory(dir).load("vector", "1.0.4");
    fs.rmSync(path.join(dir, "vector-1.0.4.tgz"));
    const second = await OfflineChartSource.fromDirectory(dir).load("vector", "1.0.4");
    expect(first.ok).to.equal(true);
    expect(second.ok).to.equal(false);
  });

  it("an alias bomb in the user's YAML is refused, not expanded", async () => {
    fs.copyFileSync(path.join(CHARTS, "vector-1.0.4.tgz"), path.join(dir, "vector-1.0.4.tgz"));
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? "*a" : `*l${i - 1}`).join(", ")}]`);
    const started = Date.now();
    const r = await checkChartConfig({ source: OfflineChartSource.fromDirectory(dir), extension: "vector", version: "1.0.4", configYaml: levels.join("\n") });
    expect(Date.now() - started).to.be.lessThan(5_000);
    expect(r.note).to.include("config not checked: it expands more than 10000 aliases (an alias bomb?)");
  });
});
