/**
 * Charts from the local disk: a directory of `.tgz` archives (`<name>-<version>.tgz`), or the
 * archives beside a museum `index.yaml` (its entries' relative `urls` name the files).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "./archive";
import { Chart, loadChartArchive } from "./chart";
import { CachingChartSource } from "./source";

/** Chart archives in a directory. */
export class OfflineChartSource extends CachingChartSource {
  readonly description: string;

  private constructor(
    private readonly dir: string,
    private readonly indexFiles: Map<string, string>,
    private readonly limits: ArchiveLimits,
    what: string,
  ) {
    super();
    this.description = what;
  }

  /**
   * Archives in a directory; when it holds an `index.yaml` (a museum or Helm repository index), its
   * entries' `urls` are used to find each version's file, else `<name>-<version>.tgz`.
   *
   * @param dir the directory (or the path of an `index.yaml`)
   * @param limits archive caps (default {@link DEFAULT_ARCHIVE_LIMITS})
   * @throws Error when the directory cannot be read or the index does not parse
   */
  static fromDirectory(dir: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): OfflineChartSource {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch (e) {
      throw new Error(`chart directory ${dir}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const base = stat.isDirectory() ? dir : path.dirname(dir);
    const indexPath = stat.isDirectory() ? path.join(dir, "index.yaml") : dir;
    const indexFiles = new Map<string, string>();
    if (fs.existsSync(indexPath)) {
      let index: { entries?: Record<string, Array<{ version?: unknown; urls?: unknown }>> } | null;
      try {
        index = YAML.parse(fs.readFileSync(indexPath, "utf8"), { maxAliasCount: 100 }) as typeof index;
      } catch (e) {
        throw new Error(`${indexPath} cannot be read as a Helm repository index: ${(e as Error).message.split("\n")[0]}`);
      }
      if (!index || typeof index.entries !== "object" || index.entries === null) {
        throw new Error(`${indexPath} is not a Helm repository index: it needs a top-level \`entries:\` mapping`);
      }
      for (const [name, versions] of Object.entries(index.entries)) {
        for (const v of Array.isArray(versions) ? versions : []) {
          const url = Array.isArray(v.urls) && typeof v.urls[0] === "string" ? v.urls[0] : undefined;
          if (typeof v.version === "string" && url) indexFiles.set(`${name}@${v.version}`, path.basename(new URL(url, "http://index.invalid/").pathname));
        }
      }
    }
    const what = indexFiles.size > 0 ? `chart archives beside ${indexPath}` : `chart archives in ${base}`;
    return new OfflineChartSource(base, indexFiles, limits, what);
  }

  protected async fetch(extension: string, version: string): Promise<{ chart: Chart; from: string }> {
    const file = this.indexFiles.get(`${extension}@${version}`) ?? `${extension}-${version}.tgz`;
    const full = path.join(this.dir, file);
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new Error(`chart archive ${full}: cannot read it (${code ?? (e as Error).message})`);
      const others = fs.readdirSync(this.dir).filter((f) => f.startsWith(`${extension}-`) && f.endsWith(".tgz")).sort();
      throw new Error(`no chart archive ${file} in ${this.dir}${others.length ? ` (archives of ${extension} there: ${others.join(", ")})` : ""}`);
    }
    if (!st.isFile()) throw new Error(`chart archive ${full} is not a regular file`);
    // Checked before reading, so a huge file is never loaded into memory.
    if (st.size > this.limits.maxCompressedBytes) throw new Error(`chart archive ${file} is ${st.size} bytes, more than the ${this.limits.maxCompressedBytes} bytes accepted`);
    let data: Buffer;
    try {
      data = fs.readFileSync(full);
    } catch (e) {
      throw new Error(`chart archive ${full}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const chart = await loadChartArchive(data, file, this.limits);
    if (chart.name !== extension || chart.version !== version) {
      throw new Error(`chart archive ${file} holds chart ${chart.name} ${chart.version}, not ${extension} ${version}`);
    }
    return { chart, from: full };
  }
}
