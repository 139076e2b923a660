/**
 * Charts from a live KubeSphere host, in the order that needs the fewest rights and gives the same
 * bytes the controller installs:
 *
 * 1. ks-apiserver `GET /kapis/package.kubesphere.io/v1alpha1/extensionversions/{name}-{version}/files`,
 *    which resolves `chartURL` or `chartDataRef` with the Repository's credentials and returns the
 *    archive's files (`[{Name, Data(base64)}]`, Helm's `loader.BufferedFile`);
 * 2. where that is not served (a kubeconfig pointing at kube-apiserver), the ExtensionVersion's
 *    `chartDataRef` ConfigMap (`binaryData["chart.tgz"]`), or, for an in-cluster museum `chartURL`
 *    (`https://<svc>.<ns>.svc/...`), the museum Service through the API server's service proxy.
 *
 * Every request has one deadline for connecting and reading (`AbortSignal.timeout`) and a size cap.
 * Messages name the paths tried, never the kubeconfig or its credentials.
 */
import * as http from "http";
import * as https from "https";
import type * as k8s from "@kubernetes/client-node";
import { ArchiveLimits, ChartArchiveError, checkEntryPath, DEFAULT_ARCHIVE_LIMITS } from "./archive";
import { Chart, loadChart, loadChartArchive } from "./chart";
import { CachingChartSource } from "./source";

/** How to reach the host. */
export interface LiveChartSourceOptions {
  /** The host cluster's kubeconfig (ks-apiserver or kube-apiserver endpoint). */
  kubeConfig: k8s.KubeConfig;
  /** Deadline of each request, connect and response together, in ms (default 15 000). */
  timeoutMs?: number;
  /** Archive caps (default {@link DEFAULT_ARCHIVE_LIMITS}). */
  limits?: ArchiveLimits;
}

/** A failed HTTP GET: status (when one came back) and a short reason. */
class GetError extends Error {
  constructor(readonly path: string, readonly status: number | undefined, reason: string) {
    super(`GET ${path}: ${reason}`);
  }
}

/** Charts read from the cluster of a kubeconfig. */
export class LiveChartSource extends CachingChartSource {
  readonly description: string;
  private readonly kc: k8s.KubeConfig;
  private readonly timeoutMs: number;
  private readonly limits: ArchiveLimits;

  /** @param opts the kubeconfig and request deadline */
  constructor(opts: LiveChartSourceOptions) {
    super();
    this.kc = opts.kubeConfig;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) throw new Error(`timeoutMs must be a positive number of milliseconds, got ${JSON.stringify(opts.timeoutMs)}`);
    this.limits = opts.limits ?? DEFAULT_ARCHIVE_LIMITS;
    this.description = `the cluster of context ${JSON.stringify(this.kc.getCurrentContext())}`;
  }

  /** GET a path on the current cluster with the kubeconfig's TLS and credentials, bounded in time and size. */
  private async get(path: string, maxBytes: number): Promise<Buffer> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new GetError(path, undefined, "the kubeconfig has no current cluster");
    const url = new URL(path, cluster.server.endsWith("/") ? cluster.server : `${cluster.server}/`);
    const opts: https.RequestOptions = { method: "GET", headers: { Accept: "application/json, */*" }, signal: AbortSignal.timeout(this.timeoutMs) };
    await this.kc.applyToHTTPSOptions(opts);
    const mod = url.protocol === "https:" ? https : http;
    return new Promise<Buffer>((resolve, reject) => {
      const req = mod.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) req.destroy(new GetError(path, res.statusCode, `response larger than ${maxBytes} bytes; refused`));
          else chunks.push(c);
        });
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(body);
          let reason = `HTTP ${status}`;
          try {
            const msg = (JSON.parse(body.toString("utf8")) as { message?: unknown }).message;
            if (typeof msg === "string") reason += ` (${msg.slice(0, 200)})`;
          } catch { /* not a Status object */ }
          reject(new GetError(path, status, reason));
        });
        res.on("error", (e) => reject(e instanceof GetError ? e : new GetError(path, res.statusCode, e.message)));
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (e instanceof GetError) return reject(e);
        const timedOut = e.name === "AbortError" || e.name === "TimeoutError" || e.code === "ABORT_ERR";
        reject(new GetError(path, undefined, timedOut ? `no answer within ${this.timeoutMs} ms` : `${e.code ?? e.message}`));
      });
      req.end();
    });
  }

  private async viaKsApiserver(name: string): Promise<Chart> {
    const path = `/kapis/package.kubesphere.io/v1alpha1/extensionversions/${encodeURIComponent(name)}/files`;
    // base64 in JSON: about 4/3 of the uncompressed files.
    const body = await this.get(path, Math.ceil(this.limits.maxUncompressedBytes * 1.4));
    let list: unknown;
    try {
      list = JSON.parse(body.toString("utf8"));
    } catch {
      throw new GetError(path, 200, "the answer is not JSON (is the endpoint ks-apiserver?)");
    }
    if (!Array.isArray(list)) throw new GetError(path, 200, "the answer is not a list of files");
    const files = new Map<string, Buffer>();
    let total = 0;
    const origin = `${name} (ks-apiserver files)`;
    if (list.length > this.limits.maxEntries) throw new ChartArchiveError(`${origin}: more than ${this.limits.maxEntries} files; refused`);
    for (const f of list as Array<{ Name?: unknown; name?: unknown; Data?: unknown; data?: unknown }>) {
      const fileName = f?.Name ?? f?.name;
      const data = f?.Data ?? f?.data;
      if (typeof fileName !== "string" || (typeof data !== "string" && data !== null && data !== undefined)) {
        throw new GetError(path, 200, "the answer is not a list of {Name, Data} files");
      }
      const checked = checkEntryPath(fileName);
      if (!checked.ok) throw new ChartArchiveError(`${origin}: file ${JSON.stringify(fileName)} ${checked.reason}; refused`);
      const buf = Buffer.from(typeof data === "string" ? data : "", "base64");
      total += buf.length;
      if (buf.length > this.limits.maxEntryBytes || total > this.limits.maxUncompressedBytes) {
        throw new ChartArchiveError(`${origin}: file ${JSON.stringify(fileName)} takes the chart over the size accepted; refused`);
      }
      files.set(checked.path, buf);
    }
    return loadChart(files, origin, this.limits);
  }

  private async viaKubernetes(name: string): Promise<{ chart: Chart; from: string }> {
    const evPath = `/apis/kubesphere.io/v1alpha1/extensionversions/${encodeURIComponent(name)}`;
    const ev = JSON.parse((await this.get(evPath, 16 * 1024 * 1024)).toString("utf8")) as {
      spec?: { chartDataRef?: { namespace?: string; name?: string; key?: string }; chartURL?: string };
    };
    const ref = ev.spec?.chartDataRef;
    if (ref?.name && ref.namespace) {
      const key = ref.key || "chart.tgz";
      const cmPath = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/configmaps/${encodeURIComponent(ref.name)}`;
      const cm = JSON.parse((await this.get(cmPath, this.limits.maxCompressedBytes * 2)).toString("utf8")) as {
        binaryData?: Record<string, string>; data?: Record<string, string>;
      };
      const b64 = cm.binaryData?.[key];
      const data = b64 !== undefined ? Buffer.from(b64, "base64") : cm.data?.[key] !== undefined ? Buffer.from(cm.data[key], "latin1") : undefined;
      if (!data) throw new Error(`ConfigMap ${ref.namespace}/${ref.name} has no key ${JSON.stringify(key)}`);
      const from = `ConfigMap ${ref.namespace}/${ref.name} key ${key}`;
      return { chart: await loadChartArchive(data, from, this.limits), from };
    }
    const chartURL = ev.spec?.chartURL;
    if (!chartURL) throw new Error(`ExtensionVersion ${name} has neither chartDataRef nor chartURL`);
    let u: URL;
    try {
      u = new URL(chartURL);
    } catch {
      throw new Error(`ExtensionVersion ${name} has chartURL ${JSON.stringify(chartURL)}, which is not a URL`);
    }
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(u.hostname);
    if (!m) throw new Error(`chartURL ${u.origin}${u.pathname} is outside the cluster; only ks-apiserver reads it (with the Repository's credentials)`);
    const scheme = u.protocol === "https:" ? "https" : "http";
    const port = u.port || (scheme === "https" ? "443" : "80");
    const proxyPath = `/api/v1/namespaces/${m[2]}/services/${scheme}:${m[1]}:${port}/proxy${u.pathname}`;
    const data = await this.get(proxyPath, this.limits.maxCompressedBytes);
    const from = `museum Service ${m[2]}/${m[1]} through the API server's service proxy (${u.pathname})`;
    return { chart: await loadChartArchive(data, from, this.limits), from };
  }

  protected async fetch(extension: string, version: string): Promise<{ chart: Chart; from: string }> {
    const name = `${extension}-${version}`;
    const tried: string[] = [];
    try {
      return { chart: await this.viaKsApiserver(name), from: `ks-apiserver /kapis/package.kubesphere.io/v1alpha1/extensionversions/${name}/files` };
    } catch (e) {
      if (e instanceof ChartArchiveError) throw e; // the chart itself is bad: another path gives the same bytes
      tried.push((e as Error).message);
    }
    try {
      return await this.viaKubernetes(name);
    } catch (e) {
      if (e instanceof ChartArchiveError) throw e;
      tried.push((e as Error).message);
    }
    throw new Error(`the chart of ${name} could not be read: ${tried.join("; ")}`);
  }
}
