/**
 * Hostile, corrupt and oversized archives (built in memory) end in a clear message naming the
 * archive and the entry; a chart with values.schema.json (root and subchart) is validated.
 */
import { expect } from "chai";
import * as zlib from "zlib";
import * as tarStream from "tar-stream";
import { ArchiveLimits, ChartArchiveError, DEFAULT_ARCHIVE_LIMITS, readArchive } from "../../components/charts/archive";
import { loadChartArchive } from "../../components/charts/chart";
import { checkChartConfig } from "../../components/charts/checkChartConfig";
import { CachingChartSource } from "../../components/charts/source";
import type { Chart } from "../../components/charts/chart";

type Entry = { name: string; body?: string | Buffer; type?: tarStream.Header["type"]; linkname?: string; size?: number };

async function tgz(entries: Entry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (c) => chunks.push(c as Buffer));
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const header: Partial<tarStream.Header> & { name: string } = { name: e.name, type: e.type ?? "file", ...(e.linkname ? { linkname: e.linkname } : {}) };
      if (e.type === "symlink" || e.type === "link" || e.type === "directory") pack.entry(header, (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, e.body ?? "", (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return zlib.gzipSync(Buffer.concat(chunks));
}

async function refusal(data: Buffer, limits?: ArchiveLimits): Promise<string> {
  try {
    await readArchive(data, "evil-1.0.0.tgz", limits);
  } catch (e) {
    expect(e).to.be.instanceOf(ChartArchiveError);
    return (e as Error).message;
  }
  throw new Error("the archive was accepted");
}

const CHART_YAML = "apiVersion: v2\nname: demo\nversion: 1.0.0\ndependencies:\n- name: sub\n  alias: backend\n";

describe("chart archives: hostile, corrupt, huge", () => {
  it("reads a normal archive, stripping nothing it should keep", async () => {
    const files = await readArchive(await tgz([{ name: "demo/", type: "directory" }, { name: "demo/Chart.yaml", body: CHART_YAML }]), "demo-1.0.0.tgz");
    expect([...files.keys()]).to.deep.equal(["demo/Chart.yaml"]);
  });
  it("a path that appears twice: the later entry wins, as in Helm (the real gateway-1.0.4.tgz has such duplicates)", async () => {
    const files = await readArchive(await tgz([{ name: "demo/values.yaml", body: "a: 1\n" }, { name: "demo/values.yaml", body: "a: 2\n" }]), "demo-1.0.0.tgz");
    expect(files.get("demo/values.yaml")!.toString()).to.equal("a: 2\n");
  });
  it("path traversal", async () => {
    expect(await refusal(await tgz([{ name: "demo/../../etc/passwd", body: "x" }])))
      .to.equal("chart archive evil-1.0.0.tgz: entry \"demo/../../etc/passwd\" escapes the archive (path traversal with \"..\"); refused");
  });
  it("absolute path", async () => {
    expect(await refusal(await tgz([{ name: "/etc/cron.d/x", body: "x" }]))).to.include("entry \"/etc/cron.d/x\" is an absolute path");
  });
  it("symbolic link", async () => {
    expect(await refusal(await tgz([{ name: "demo/values.yaml", type: "symlink", linkname: "/etc/shadow" }])))
      .to.equal("chart archive evil-1.0.0.tgz: entry \"demo/values.yaml\" is a symbolic link (to \"/etc/shadow\"); chart archives hold only files and directories; refused");
  });
  it("hard link", async () => {
    expect(await refusal(await tgz([{ name: "demo/a", body: "x" }, { name: "demo/b", type: "link", linkname: "demo/a" }]))).to.include("entry \"demo/b\" is a hard link");
  });
  it("tar bomb: expands past the cap", async () => {
    const data = await tgz([{ name: "demo/big", body: Buffer.alloc(4 * 1024 * 1024) }]);
    expect(data.length).to.be.lessThan(64 * 1024);
    expect(await refusal(data, { ...DEFAULT_ARCHIVE_LIMITS, maxUncompressedBytes: 1024 * 1024 }))
      .to.include("expands to more than 1048576 bytes (a compression bomb?); refused");
  });
  it("too many entries, one entry too large, archive too large", async () => {
    const many = await tgz(Array.from({ length: 20 }, (_, i) => ({ name: `demo/f${i}`, body: "x" })));
    expect(await refusal(many, { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 10 })).to.include("has more than 10 entries");
    const big = await tgz([{ name: "demo/values.yaml", body: Buffer.alloc(2048) }]);
    expect(await refusal(big, { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: 1024 })).to.include("entry \"demo/values.yaml\" is 2048 bytes");
    expect(await refusal(big, { ...DEFAULT_ARCHIVE_LIMITS, maxCompressedBytes: 10 })).to.match(/is \d+ bytes, more than the 10 bytes accepted/);
  });
  it("corrupt: not gzip, truncated gzip, gzip of garbage", async () => {
    expect(await refusal(Buffer.from("PK\u0003\u0004 a zip file"))).to.include("is not a gzip-compressed tar archive");
    const good = await tgz([{ name: "demo/Chart.yaml", body: CHART_YAML }]);
    expect(await refusal(good.subarray(0, good.length - 20))).to.match(/cannot be decompressed|not a valid tar archive/);
    expect(await refusal(zlib.gzipSync(Buffer.from("this is not a tar stream at all".repeat(40))))).to.match(/not a valid tar archive|holds no files/);
  });
  it("a chart whose values.yaml does not parse names the file and line", async () => {
    const data = await tgz([{ name: "demo/Chart.yaml", body: "apiVersion: v2\nname: demo\nversion: 1.0.0\n" }, { name: "demo/values.yaml", body: "a: 1\nb: [\n" }]);
    let msg = "";
    try { await loadChartArchive(data, "demo-1.0.0.tgz"); } catch (e) { msg = (e as Error).message; }
    expect(msg).to.match(/^demo-1\.0\.0\.tgz: values\.yaml does not parse as YAML at line \d/);
  });
});

/** A source over charts built in memory (the base class's caching is what is exercised). */
class MemorySource extends CachingChartSource {
  readonly description = "charts built by the test";
  fetches = 0;
  constructor(private readonly archives: Record<string, Buffer>) { super(); }
  protected async fetch(extension: string, version: string): Promise<{ chart: Chart; from: string }> {
    this.fetches++;
    const data = this.archives[`${extension}@${version}`];
    if (!data) throw new Error(`no archive for ${extension}@${version}`);
    return { chart: await loadChartArchive(data, `${extension}-${version}.tgz`), from: "memory" };
  }
}

describe("values.schema.json (root and subchart)", () => {
  const rootSchema = {
    $schema: "http://json-schema.org/draft-07/schema#", type: "object",
    properties: { replicas: { type: "integer", minimum: 1 }, mode: { enum: ["fast", "safe"] } },
  };
  const subSchema = { type: "object", properties: { port: { type: "integer" } }, required: ["port"], additionalProperties: false };
  let archive: Buffer;
  before(async () => {
    archive = await tgz([
      { name: "demo/Chart.yaml", body: CHART_YAML },
      { name: "demo/values.yaml", body: "replicas: 1\nmode: safe\n" },
      { name: "demo/values.schema.json", body: JSON.stringify(rootSchema) },
      { name: "demo/charts/sub/Chart.yaml", body: "apiVersion: v2\nname: sub\nversion: 0.1.0\n" },
      { name: "demo/charts/sub/values.yaml", body: "port: 8080\n" },
      { name: "demo/charts/sub/values.schema.json", body: JSON.stringify(subSchema) },
    ]);
  });

  it("violations are errors at the user's path and line; the subchart lives under its alias", async () => {
    const source = new MemorySource({ "demo@1.0.0": archive });
    const r = await checkChartConfig({ source, extension: "demo", version: "1.0.0", configYaml: "replicas: 0\nmode: turbo\nbackend:\n  port: \"80\"\n" });
    expect(r.findings.map((f) => [f.severity, f.path, f.line])).to.deep.equal([
      ["error", "replicas", 1], ["error", "mode", 2], ["error", "backend.port", 4],
    ]);
    expect(r.findings[0].message).to.equal("replicas must be >= 1 (got 0) — values.schema.json of demo 1.0.0; Helm refuses the install");
    expect(r.findings[1].message).to.include("must be one of \"fast\", \"safe\"");
    expect(r.findings[2].message).to.include("backend.port must be integer (got \"80\") — values.schema.json of sub 0.1.0");
  });

  it("an override is validated merged over config and reports only its own keys, with the cluster", async () => {
    const source = new MemorySource({ "demo@1.0.0": archive });
    const r = await checkChartConfig({ source, extension: "demo", version: "1.0.0", configYaml: "replicas: 2\n", overridesYaml: { member1: "backend:\n  portt: 1\n" } });
    // The unknown key is both a schema violation (additionalProperties: false) and a structure warning.
    expect(r.findings.map((f) => [f.severity, f.path, f.line, f.cluster])).to.deep.equal([
      ["error", "backend.portt", 2, "member1"], ["warning", "backend.portt", 2, "member1"],
    ]);
  });

  it("a source reads each version once; a second source reads again", async () => {
    const a = new MemorySource({ "demo@1.0.0": archive });
    await Promise.all([a.load("demo", "1.0.0"), a.load("demo", "1.0.0"), checkChartConfig({ source: a, extension: "demo", version: "1.0.0", configYaml: "replicas: 2" })]);
    expect(a.fetches).to.equal(1);
    const b = new MemorySource({ "demo@1.0.0": archive });
    await b.load("demo", "1.0.0");
    expect(b.fetches).to.equal(1);
  });
});
