/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which kubectl
 * asks for: NAME plus the CRD's printer columns (docs/kubesphere-behavior.md §1.1: Extension and InstallPlan show
 * `State`, Cluster shows `Provider` and `Version`), and NAME plus AGE for kinds without columns.
 * Pure functions.
 */
import type { ResourceType } from "./resources";
import type { KubeObject } from "./store";

/** A column of a Table. */
export interface TableColumn {
  /** Column header (`Name`, `State`, `Age`). */
  name: string;
  /** Cell type; `date` cells are printed as ages. */
  type: "string" | "date" | "integer";
  /** `name` for the name column. */
  format: string;
  /** Column description. */
  description: string;
  /** 0 = shown by default. */
  priority: number;
  /** Where the cell comes from (not sent; internal). */
  path: string;
}

const PRINTER_COLUMNS: Record<string, Array<{ name: string; path: string }>> = {
  "kubesphere.io/extensions": [{ name: "State", path: ".status.state" }],
  "kubesphere.io/installplans": [{ name: "State", path: ".status.state" }],
  "cluster.kubesphere.io/clusters": [{ name: "Provider", path: ".spec.provider" }, { name: "Version", path: ".status.kubernetesVersion" }],
};

/** The columns kubectl gets for a resource type. */
export function tableColumns(type: ResourceType): TableColumn[] {
  const name: TableColumn = { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.", priority: 0, path: ".metadata.name" };
  const extra = PRINTER_COLUMNS[`${type.group}/${type.plural}`];
  if (extra) return [name, ...extra.map((c): TableColumn => ({ name: c.name, type: "string", format: "", description: "", priority: 0, path: c.path }))];
  return [name, { name: "Age", type: "date", format: "", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", priority: 0, path: ".metadata.creationTimestamp" }];
}

function pick(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(".").filter((s) => s !== "")) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur ?? null;
}

/** `k8s.io/apimachinery/pkg/util/duration.HumanDuration`, as AGE cells print it (`45s`, `3m20s`, `2d4h`). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** True when an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.split(",")[0].includes("as=Table");
}

/**
 * A `meta.k8s.io/v1` Table of `objects`. Rows carry PartialObjectMetadata unless
 * `includeObject` is `Object` (full object) or `None`. Date cells are ages relative to `now`.
 */
export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string, includeObject = "Metadata", now: Date = new Date()): Record<string, unknown> {
  const columns = tableColumns(type);
  const cell = (o: KubeObject, c: TableColumn): unknown => {
    const v = pick(o, c.path);
    return c.type === "date" && typeof v === "string" ? humanDuration(now.getTime() - Date.parse(v)) : v;
  };
  return {
    kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion },
    columnDefinitions: columns.map(({ path: _p, ...c }) => c),
    rows: objects.map((o) => ({
      cells: columns.map((c) => cell(o, c)),
      ...(includeObject === "None" ? {} : {
        object: includeObject === "Object" ? o : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
      }),
    })),
  };
}
