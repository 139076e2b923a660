import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import * as YAML from "yaml";
import {
  ANNOTATION_SPEC_SOURCE, catalogFromMuseumIndex, decodeExtensionYaml, loadCatalogSource, museumCatalog,
  museumIndexObjects, readTarGz, resolveChartUrl,
} from "../../components/catalog/museumIndex";
import { recommendedVersion } from "../../components/catalog/recommendedVersion";
import { readYamlDocuments } from "../../components/catalog/staticCatalog";
import { versionsOf } from "../../components/catalog/catalog";
import type { ExtensionVersion } from "../../components/kubesphere/types";
import { resolveExtension } from "../../components/resolve/resolve";
import { CATALOG_DIR, FIXTURE_FACTS, fixtureCatalog } from "../support/sharedFixture";

const INDEX = path.resolve(__dirname, "../fixtures/museum/index.yaml");

/** A minimal ustar writer (regular files only), enough for chart archives. */
function tarGz(files: Array<[string, Buffer | string]>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of files) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, "utf8");
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(body.length.toString(8).padStart(11, "0") + "\0", 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write("0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

function fixtureVersions(): ExtensionVersion[] {
  return (readYamlDocuments([CATALOG_DIR]) as unknown as ExtensionVersion[]).filter((d) => d.kind === "ExtensionVersion");
}

/** Writes `charts/<name>-<version>.tgz` for an ExtensionVersion of the fixture, as ksbuilder packages it. */
function writeArchive(dir: string, ev: ExtensionVersion): void {
  const name = ev.metadata.labels!["kubesphere.io/extension-ref"];
  const { chartURL: _u, digest: _d, repository: _r, created: _c, ...spec } = ev.spec;
  const files: Array<[string, Buffer | string]> = [];
  const extYaml: Record<string, unknown> = { apiVersion: "v1", name, maintainers: [{ name: "someone" }], images: ["x/y:1"], ...spec };
  const icon = /^data:([^;]+);base64,(.*)$/s.exec(spec.icon ?? "");
  if (icon) {
    const ext = icon[1] === "image/svg+xml" ? "svg" : icon[1] === "image/png" ? "png" : "bin";
    extYaml.icon = `./static/icon.${ext}`;
    files.push([`${name}/static/icon.${ext}`, Buffer.from(icon[2], "base64")]);
  }
  files.unshift([`${name}/Chart.yaml`, YAML.stringify({ apiVersion: "v2", name, version: spec.version })]);
  files.push([`${name}/extension.yaml`, YAML.stringify(extYaml)], [`${name}/values.yaml`, "{}\n"]);
  fs.mkdirSync(path.join(dir, "charts"), { recursive: true });
  fs.writeFileSync(path.join(dir, "charts", `${name}-${spec.version}.tgz`), tarGz(files));
}

describe("museum index reader", () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "museum-")); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe("from the index alone", () => {
    it("builds one ExtensionVersion per entry, named <chart>-<version>, with the index-derived fields", async () => {
      const { catalog, warnings } = museumCatalog(INDEX, FIXTURE_FACTS);
      const evs = await catalog.extensionVersions();
      expect(evs).to.have.length(36);
      const ev = evs.find((e) => e.metadata.name === "devops-1.1.2")!;
      expect(ev.metadata.labels).to.deep.equal({
        "kubesphere.io/extension-ref": "devops", "kubesphere.io/repository-ref": "extensions-museum",
      });
      expect(ev.metadata.annotations).to.deep.equal({ [ANNOTATION_SPEC_SOURCE]: "index" });
      const shared = fixtureVersions().find((e) => e.metadata.name === "devops-1.1.2")!;
      expect(ev.spec.chartURL).to.equal(shared.spec.chartURL);
      expect(ev.spec.digest).to.equal(shared.spec.digest);
      expect(ev.spec.kubeVersion).to.equal(shared.spec.kubeVersion);
      expect(ev.spec.description).to.deep.equal({ en: shared.spec.description!.en });
      expect(ev.spec.repository).to.equal("extensions-museum");
      expect(ev.spec.created).to.equal("2025-06-25T08:00:00Z");
      expect(ev.spec.ksVersion, "ksVersion lives only in extension.yaml").to.equal(undefined);
      expect(ev.spec.namespace).to.equal(undefined);
      expect(warnings.join("\n")).to.match(/no chart archive found for 36 version\(s\).*ksVersion, namespace/s);
    });

    it("carries the entry's annotations verbatim (whizard-monitoring 1.1.1's hook image)", async () => {
      const evs = await catalogFromMuseumIndex(INDEX).extensionVersions();
      const ev = evs.find((e) => e.metadata.name === "whizard-monitoring-1.1.1")!;
      expect(ev.metadata.annotations?.["executor-hook-image.kubesphere.io/install"]).to.equal("kubesphere/whizard-monitoring-helm-init:v0.1.0");
      expect(evs.find((e) => e.metadata.name === "whizard-monitoring-1.1.0")!.metadata.annotations)
        .to.deep.equal({ [ANNOTATION_SPEC_SOURCE]: "index" });
    });

    it("accepts the index text itself and a directory holding index.yaml", async () => {
      const text = fs.readFileSync(INDEX, "utf8");
      expect(await catalogFromMuseumIndex(text).extensionVersions()).to.have.length(36);
      expect(await catalogFromMuseumIndex(path.dirname(INDEX)).extensionVersions()).to.have.length(36);
    });

    it("lets resolveExtension find versions and report missing ones like a synced cluster", async () => {
      const catalog = catalogFromMuseumIndex(INDEX, FIXTURE_FACTS);
      expect((await versionsOf(catalog, "gateway")).map((e) => e.spec.version)).to.deep.equal(["1.0.2", "1.0.4", "1.0.5"]);
      const err = await resolveExtension(catalog, { name: "gateway", version: "1.0.3" }).catch((e) => e);
      expect(err.problems[0]).to.match(/no ExtensionVersion "gateway-1.0.3".*1\.0\.2, 1\.0\.4, 1\.0\.5/);
    });
  });

  describe("with the chart archives next to the index", () => {
    it("reproduces every museum ExtensionVersion of the shared fixture exactly (extension.yaml decoded as KubeSphere does)", async () => {
      fs.copyFileSync(INDEX, path.join(tmp, "index.yaml"));
      const shared = fixtureVersions().filter((e) => e.spec.digest);
      for (const ev of shared) writeArchive(tmp, ev);
      const { catalog, warnings } = museumCatalog(path.join(tmp, "index.yaml"), FIXTURE_FACTS);
      expect(warnings).to.deep.equal([]);
      const evs = await catalog.extensionVersions();
      expect(evs).to.have.length(shared.length);
      for (const want of shared) {
        const got = structuredClone(evs.find((e) => e.metadata.name === want.metadata.name)!);
        expect(got, want.metadata.name).to.not.equal(undefined);
        delete got.spec.created; // the fixture cannot know the archive's LastModified
        expect(got.metadata, want.metadata.name).to.deep.equal(want.metadata);
        expect(got.spec, want.metadata.name).to.deep.equal(want.spec);
      }
    });

    it("builds Extensions from the newest kept version with status.versions ascending and the recommended version", async () => {
      fs.copyFileSync(INDEX, path.join(tmp, "index.yaml"));
      for (const ev of fixtureVersions().filter((e) => e.spec.digest)) writeArchive(tmp, ev);
      const exts = await catalogFromMuseumIndex(path.join(tmp, "index.yaml"), { ksVersion: "v4.1.1", kubeVersion: "v1.30.4" }).extensions();
      const devops = exts.find((e) => e.metadata.name === "devops")!;
      expect(devops.metadata.labels).to.deep.equal({ "kubesphere.io/category": "integration-delivery", "kubesphere.io/repository-ref": "extensions-museum" });
      expect(devops.status?.versions?.map((v) => v.version)).to.deep.equal(["1.1.1", "1.1.2", "1.1.3"]);
      expect(devops.status?.recommendedVersion, "only 1.1.1 accepts v4.1.1 (CATALOG.md §10)").to.equal("1.1.1");
      expect(devops.spec?.displayName).to.deep.equal({ en: "DevOps", zh: "DevOps" });
    });

    it("gives the same InstallPlan as the shared YAML fixture", async () => {
      fs.copyFileSync(INDEX, path.join(tmp, "index.yaml"));
      for (const ev of fixtureVersions().filter((e) => e.spec.digest)) writeArchive(tmp, ev);
      const museum = catalogFromMuseumIndex(path.join(tmp, "index.yaml"), FIXTURE_FACTS);
      const req = { name: "ob-operator", version: "2.3.2", config: { a: 1 } };
      const ctx = { declared: { "cert-manager": "1.0.0" } };
      const a = await resolveExtension(museum, req, ctx);
      const b = await resolveExtension(fixtureCatalog(), req, ctx);
      expect(a.installPlan).to.deep.equal(b.installPlan);
      expect(a.targetNamespace).to.equal("oceanbase-system");
    });

    it("drops a version whose archive has no extension.yaml, as KubeSphere does", async () => {
      const index = { apiVersion: "v1", entries: { demo: [
        { name: "demo", version: "1.0.0", urls: ["charts/demo-1.0.0.tgz"] },
        { name: "demo", version: "1.1.0", urls: ["charts/demo-1.1.0.tgz"] },
      ] } };
      fs.mkdirSync(path.join(tmp, "charts"));
      fs.writeFileSync(path.join(tmp, "charts/demo-1.0.0.tgz"), tarGz([["demo/Chart.yaml", "name: demo\nversion: 1.0.0\n"]]));
      fs.writeFileSync(path.join(tmp, "charts/demo-1.1.0.tgz"), tarGz([["demo/Chart.yaml", "name: demo\n"], ["demo/extension.yaml", "version: 1.1.0\nnamespace: demo-system\n"]]));
      const r = museumIndexObjects(index, { chartsDir: tmp });
      const names = r.objects.filter((o) => o.kind === "ExtensionVersion").map((o) => o.metadata.name);
      expect(names).to.deep.equal(["demo-1.1.0"]);
      expect(r.warnings.join("\n")).to.match(/demo 1\.0\.0 dropped.*extension\.yaml is missing/);
    });
  });

  describe("sync rules", () => {
    const entry = (name: string, version: string) => ({ name, version, urls: [`charts/${name}-${version}.tgz`] });

    it("keeps the newest `depth` versions (default 3, 0 = all) and says which were cut", () => {
      const index = { entries: { x: ["1.0.0", "1.2.0", "1.10.0", "1.3.0-rc.1", "0.9.0"].map((v) => entry("x", v)) } };
      const evNames = (r: ReturnType<typeof museumIndexObjects>) =>
        r.objects.filter((o) => o.kind === "ExtensionVersion").map((o) => o.metadata.name);
      const three = museumIndexObjects(index);
      expect(evNames(three)).to.deep.equal(["x-1.2.0", "x-1.3.0-rc.1", "x-1.10.0"]);
      expect(three.warnings.join("\n")).to.include("only the newest 3 of 5 versions are kept (Repository depth 3); not synced: 1.0.0, 0.9.0");
      expect(evNames(museumIndexObjects(index, { depth: 0 }))).to.have.length(5);
      expect(evNames(museumIndexObjects(index, { depth: 1 }))).to.deep.equal(["x-1.10.0"]);
    });

    it("skips names that are not DNS-1123, entries whose name differs from the key, and invalid versions", () => {
      const r = museumIndexObjects({ entries: {
        Bad_Name: [entry("Bad_Name", "1.0.0")],
        ok: [entry("other", "1.0.0"), entry("ok", "1.0.0+build.1"), entry("ok", "v1..2"), entry("ok", "2.0.0")],
      } });
      expect(r.objects.filter((o) => o.kind === "ExtensionVersion").map((o) => o.metadata.name)).to.deep.equal(["ok-2.0.0"]);
      const text = r.warnings.join("\n");
      expect(text).to.include('chart "Bad_Name" skipped');
      expect(text).to.include('ok 1.0.0 skipped: its name "other" differs from the entry key');
      expect(text).to.include('ok "1.0.0+build.1" skipped');
      expect(text).to.include('ok "v1..2" skipped');
    });

    it("rejects something that is not an index with a clear message", () => {
      expect(() => museumIndexObjects({ apiVersion: "v1", kind: "List", items: [] }, { source: "x.yaml" }))
        .to.throw("x.yaml is not a Helm repository index: it needs a top-level `entries:` mapping");
    });

    it("resolves relative chart URLs against the repository's scheme and host, dropping its path", () => {
      expect(resolveChartUrl("charts/a-1.0.0.tgz", "https://museum.example.com/sub/path")).to.equal("https://museum.example.com/charts/a-1.0.0.tgz");
      expect(resolveChartUrl("/charts/a.tgz", "http://m:8080")).to.equal("http://m:8080/charts/a.tgz");
      expect(resolveChartUrl("https://cdn.example.com/a.tgz", "https://m")).to.equal("https://cdn.example.com/a.tgz");
    });
  });

  describe("extension.yaml decoding", () => {
    it("keeps only ExtensionVersionSpec fields, matched case-insensitively, and drops empty values", () => {
      const spec = decodeExtensionYaml([
        "apiVersion: v1", "name: demo", "version: 1.0.0", "KsVersion: '>=4.0.0-0'", "namespace: ''",
        "keywords: []", "maintainers: [{name: a}]", "installationMode: Multicluster", "displayName: {en: Demo}",
      ].join("\n"));
      expect(spec).to.deep.equal({ version: "1.0.0", ksVersion: ">=4.0.0-0", installationMode: "Multicluster", displayName: { en: "Demo" } });
    });

    it("fails like Go's decoder on a number where a string is declared (KubeSphere then drops the version)", () => {
      expect(() => decodeExtensionYaml("version: 1.0\n", "demo/extension.yaml"))
        .to.throw("demo/extension.yaml: cannot decode version: expected a string, got number (KubeSphere drops the version)");
      expect(() => decodeExtensionYaml("version: 1.0.0\nkeywords: [a, 2]\n")).to.throw(/cannot decode keywords: expected a list of strings/);
      const index = { entries: { demo: [{ name: "demo", version: "1.0.0", urls: ["charts/demo-1.0.0.tgz"] }] } };
      fs.mkdirSync(path.join(tmp, "charts"));
      fs.writeFileSync(path.join(tmp, "charts/demo-1.0.0.tgz"), tarGz([["demo/Chart.yaml", "name: demo\n"], ["demo/extension.yaml", "version: 1.0\n"]]));
      const r = museumIndexObjects(index, { chartsDir: tmp });
      expect(r.objects.filter((o) => o.kind === "ExtensionVersion")).to.deep.equal([]);
      expect(r.warnings.join("\n")).to.include("demo 1.0.0 dropped as KubeSphere would drop it: demo/extension.yaml: cannot decode version");
    });

    it("names the file when it is not a mapping", () => {
      expect(() => decodeExtensionYaml("- a\n", "demo/extension.yaml")).to.throw("demo/extension.yaml: not a YAML mapping");
    });

    it("reads tar.gz archives written by a standard writer", () => {
      const files = readTarGz(tarGz([["a/b.txt", "hello"], ["a/c.bin", Buffer.alloc(700, 7)]]));
      expect(files.get("a/b.txt")!.toString()).to.equal("hello");
      expect(files.get("a/c.bin")!.length).to.equal(700);
    });
  });

  describe("loadCatalogSource", () => {
    it("mixes KubeSphere YAML objects and museum indexes and detects index.yaml inside a directory", async () => {
      fs.copyFileSync(INDEX, path.join(tmp, "index.yaml"));
      fs.writeFileSync(path.join(tmp, "installed.yaml"), YAML.stringify({
        apiVersion: "kubesphere.io/v1alpha1", kind: "Category", metadata: { name: "observability" },
      }));
      const { catalog } = loadCatalogSource([tmp], FIXTURE_FACTS);
      expect(await catalog.extensionVersions()).to.have.length(36);
      expect((await catalog.categories()).map((c) => c.metadata.name)).to.deep.equal(["observability"]);
      const yamlOnly = loadCatalogSource(CATALOG_DIR, FIXTURE_FACTS);
      expect(await yamlOnly.catalog.extensionVersions()).to.have.length(37);
      expect(yamlOnly.warnings).to.deep.equal([]);
    });

    it("says which path does not exist", () => {
      expect(() => loadCatalogSource(["/nonexistent/catalog"])).to.throw("catalog path /nonexistent/catalog does not exist");
    });
  });

  describe("recommendedVersion", () => {
    const evsOf = (name: string) => fixtureVersions().filter((e) => e.metadata.labels?.["kubesphere.io/extension-ref"] === name);
    it("matches CATALOG.md §10 for v4.1.0, v4.1.3 and v4.2.0", () => {
      expect(recommendedVersion(evsOf("network"), "v4.1.3", "v1.30.4")).to.equal("1.1.0");
      expect(recommendedVersion(evsOf("network"), "v4.2.0", "v1.30.4")).to.equal("1.3.0");
      expect(recommendedVersion(evsOf("devops"), "v4.1.0", "v1.30.4")).to.equal(undefined);
      expect(recommendedVersion(evsOf("gatekeeper"), "v4.1.1", "v1.30.4")).to.equal("1.0.1");
      expect(recommendedVersion(evsOf("devops"), undefined, "v1.30.4"), "unknown host version").to.equal(undefined);
    });
  });
});
