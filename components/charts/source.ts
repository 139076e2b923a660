/**
 * Where chart archives come from. A `ChartSource` gives the chart of an ExtensionVersion; each
 * source object reads a version at most once and caches the result (success or failure) for its
 * own lifetime — one source per run, no module-level cache, so two runs in one process read twice.
 */
import { ChartArchiveError } from "./archive";
import type { Chart } from "./chart";
import { SchemaValidators } from "./schemaCheck";
import { buildValuesModel, ValuesModel } from "./valuesModel";

/** A chart read and modelled, or why it could not be. */
export type ChartLoad =
  | {
    ok: true;
    /** The chart. */
    chart: Chart;
    /** Its values model. */
    model: ValuesModel;
    /** Its compiled schemas. */
    validators: SchemaValidators;
    /** Where it was read from, e.g. `ks-apiserver /kapis/.../files` or `charts/devops-1.1.2.tgz`. */
    from: string;
  }
  | {
    ok: false;
    /** Why no chart could be read (missing, unreachable, corrupt, hostile); names the archive. */
    reason: string;
  };

/** Gives the chart of an ExtensionVersion. */
export interface ChartSource {
  /** Where charts come from, for notes (e.g. `chart archives in ./charts`). */
  readonly description: string;
  /**
   * The chart of `extension` at `version`, read once per source object.
   *
   * @param extension extension name, e.g. `devops`
   * @param version exact version, e.g. `1.1.2`
   */
  load(extension: string, version: string): Promise<ChartLoad>;
}

/**
 * The per-version cache shared by the implementations: one promise per `extension@version`, errors
 * turned into `{ ok: false, reason }`.
 */
export abstract class CachingChartSource implements ChartSource {
  private readonly cache = new Map<string, Promise<ChartLoad>>();
  abstract readonly description: string;

  /** Reads the chart; implementations throw Errors whose messages say what was tried. */
  protected abstract fetch(extension: string, version: string): Promise<{ chart: Chart; from: string }>;

  load(extension: string, version: string): Promise<ChartLoad> {
    if (typeof extension !== "string" || typeof version !== "string" || extension === "" || version === "") {
      return Promise.resolve({ ok: false, reason: `extension and version must be non-empty strings (got ${JSON.stringify(extension)}@${JSON.stringify(version)})` });
    }
    const key = `${extension}@${version}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.fetch(extension, version).then(
        ({ chart, from }): ChartLoad => {
          const model = buildValuesModel(chart);
          return { ok: true, chart, model, validators: new SchemaValidators(model), from };
        },
        (e: unknown): ChartLoad => ({ ok: false, reason: e instanceof ChartArchiveError || e instanceof Error ? e.message : String(e) }),
      );
      this.cache.set(key, p);
    }
    return p;
  }
}
