/**
 * Kubeconfig loading for everything that talks to a cluster (live catalog, readiness, CLI): from
 * text, or by the default loading rules (`$KUBECONFIG`, `~/.kube/config`, in-cluster), then the
 * context. The kubeconfig is a secret: no message built here quotes its content. A parse error
 * names the source and the line (docs/readiness.md "Secrets"), never the text — the YAML parser's
 * own message quotes the lines around the error, token included, so it is never passed on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@kubernetes/client-node";

/** Where a kubeconfig comes from. The kubeconfig text is a secret: it is never logged or returned. */
export interface KubeconfigInput {
  /** Kubeconfig YAML text. Unset or blank: the default loading rules (`KUBECONFIG`, `~/.kube/config`, in-cluster). */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current context. */
  context?: string;
  /** How messages name `kubeconfig` text (e.g. `--kubeconfig ./dev.yaml`). Defaults to `kubeconfig argument`. */
  kubeconfigSource?: string;
}

/** The kubeconfig could not be used. The message names the source (and line), never the content. */
export class KubeconfigError extends Error {
  /** `kubeconfig argument`, `$KUBECONFIG=/path`, `~/.kube/config` or `in-cluster service account`. */
  readonly source: string;
  /** What went wrong: unparsable, no such context, no cluster, unreadable file. */
  readonly problem: "parse" | "context" | "noCluster" | "read";

  /** @param source see {@link source}; @param problem see {@link problem}; @param message the full text. */
  constructor(source: string, problem: KubeconfigError["problem"], message: string) {
    super(message);
    this.name = "KubeconfigError";
    this.source = source;
    this.problem = problem;
  }
}

/** Names the source the default loading rules would use (for messages). */
export function defaultKubeconfigSource(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KUBECONFIG) return `$KUBECONFIG=${env.KUBECONFIG}`;
  const home = path.join(os.homedir(), ".kube", "config");
  if (fs.existsSync(home)) return "~/.kube/config";
  return "in-cluster service account";
}

/** Structural messages of client-node's kubeconfig validation: they name fields, never values. */
const SAFE_STRUCTURE = /^(clusters|users|contexts)\[\d+\]\.[\w.]+ is missing$/;

/**
 * Turns whatever the loader threw into a message that cannot carry the kubeconfig's content:
 * YAML errors become "not valid YAML (line L, column C: <reason>)" — the reason is the parser's short
 * reason (e.g. "bad indentation of a mapping entry"), which never quotes input — structural errors
 * are kept when they match the known field-only wording, anything else is reduced to its type.
 */
function safeReason(e: unknown): string {
  const err = e as { name?: string; reason?: string; mark?: { line?: number; column?: number }; message?: string; code?: string; path?: string };
  if (err?.name === "YAMLException" || err?.mark !== undefined) {
    const where = err.mark?.line !== undefined ? `line ${err.mark.line + 1}, column ${(err.mark.column ?? 0) + 1}` : "position unknown";
    const reason = typeof err.reason === "string" && /^[\w\s,'()-]{1,80}$/.test(err.reason) ? `: ${err.reason}` : "";
    return `it is not valid YAML (${where}${reason})`;
  }
  if (typeof err?.code === "string" && typeof err.path === "string") return `cannot read ${err.path} (${err.code})`;
  const message = err?.message ?? "";
  if (SAFE_STRUCTURE.test(message)) return `its structure is invalid: ${message}`;
  if (/^Duplicate (cluster|user|context): /.test(message)) return `its structure is invalid: ${message.split(":")[0]} name`;
  return `it could not be loaded (${err?.name || "Error"})`;
}

/**
 * Loads a kubeconfig and selects the context. Throws {@link KubeconfigError} (never quoting the
 * content) when it cannot be parsed, the context does not exist, or no cluster is configured.
 *
 * @param input text or default rules, and the context.
 * @param env environment for the default rules' source name (tests); defaults to `process.env`.
 * @example
 * const kc = loadKubeConfig({ kubeconfig: fs.readFileSync(file, "utf8"), context: "prod" });
 */
export function loadKubeConfig(input: KubeconfigInput = {}, env: NodeJS.ProcessEnv = process.env): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const fromText = input.kubeconfig !== undefined && input.kubeconfig.trim() !== "";
  const source = fromText ? input.kubeconfigSource ?? "kubeconfig argument" : defaultKubeconfigSource(env);
  try {
    if (fromText) kc.loadFromString(input.kubeconfig!);
    else kc.loadFromDefault();
  } catch (e) {
    throw new KubeconfigError(source, "parse", `cannot use the kubeconfig (${source}): ${safeReason(e)}`);
  }
  if (input.context !== undefined && input.context !== "") {
    if (!kc.getContextObject(input.context)) {
      throw new KubeconfigError(source, "context",
        `the kubeconfig (${source}) has no context ${JSON.stringify(input.context)}; contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "(none)"}`);
    }
    kc.setCurrentContext(input.context);
  }
  if (!kc.getCurrentCluster()) {
    const looksLikePath = fromText && !input.kubeconfig!.includes("\n") && /^[~./\w-][^:]*$/.test(input.kubeconfig!.trim());
    throw new KubeconfigError(source, "noCluster",
      `no Kubernetes cluster is configured in the kubeconfig (${source})` +
      (looksLikePath ? ": the value looks like a file path; pass the file's content (e.g. fs.readFileSync(path, \"utf8\"))" : ""));
  }
  return kc;
}
