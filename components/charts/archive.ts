/**
 * Reads a Helm chart archive (`.tgz`) into memory, defensively: archives come from a cluster or a
 * directory the user names, so a corrupt, huge or hostile archive must end in a clear message that
 * names the archive and the entry — never a crash, a hang or a file written anywhere.
 *
 * Parsing is `tar-stream` over node's zlib; the caps are ours (tar-stream has none).
 */
import { Readable } from "stream";
import * as zlib from "zlib";
import * as tarStream from "tar-stream";

/** Caps applied while reading one archive (nested subchart archives share the parent's budget). */
export interface ArchiveLimits {
  /** Largest compressed archive accepted, in bytes. */
  maxCompressedBytes: number;
  /** Largest total of uncompressed bytes (tar stream), in bytes: stops gzip/tar bombs. */
  maxUncompressedBytes: number;
  /** Largest number of entries (files, directories, headers). */
  maxEntries: number;
  /** Largest single file, in bytes. */
  maxEntryBytes: number;
}

/**
 * Defaults: far above any real extension chart (the largest of the v4.1.3 catalog is 564 KiB
 * compressed, about 4 MiB uncompressed, 600 entries) and far below what would hurt a preview.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxCompressedBytes: 20 * 1024 * 1024,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxEntries: 20_000,
  maxEntryBytes: 20 * 1024 * 1024,
};

/** A chart archive that cannot be used; the message names the archive (and the entry, if any). */
export class ChartArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChartArchiveError";
  }
}

/**
 * Checks an entry path: relative, no `..` component, no NUL. Returns the normalised path
 * (`./` prefixes and repeated slashes removed), or a reason it is refused.
 */
export function checkEntryPath(name: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (name.includes("\0")) return { ok: false, reason: "contains a NUL byte" };
  const unified = name.replace(/\\/g, "/");
  if (unified.startsWith("/") || /^[A-Za-z]:/.test(unified)) return { ok: false, reason: "is an absolute path" };
  const parts = unified.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) return { ok: false, reason: "escapes the archive (path traversal with \"..\")" };
  return { ok: true, path: parts.join("/") };
}

/**
 * The regular files of a gzip-compressed tar archive, by normalised path.
 *
 * @param data the archive bytes
 * @param archiveName names the archive in messages (e.g. `devops-1.1.2.tgz`)
 * @param limits caps (default {@link DEFAULT_ARCHIVE_LIMITS})
 * @throws ChartArchiveError for a corrupt, oversized or hostile archive (symlinks, hard links,
 *   devices, absolute or `..` paths)
 */
export async function readArchive(
  data: Buffer, archiveName: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<Map<string, Buffer>> {
  const fail = (msg: string) => new ChartArchiveError(`chart archive ${archiveName}: ${msg}`);
  if (data.length > limits.maxCompressedBytes) {
    throw fail(`is ${data.length} bytes, more than the ${limits.maxCompressedBytes} bytes accepted`);
  }
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) {
    throw fail("is not a gzip-compressed tar archive (.tgz): it does not start with the gzip magic bytes");
  }
  const files = new Map<string, Buffer>();
  let uncompressed = 0;
  let entries = 0;
  const gunzip = zlib.createGunzip();
  const extract = tarStream.extract();
  // The uncompressed stream is counted as it is produced, so a gzip bomb stops at the cap.
  let bomb: ChartArchiveError | undefined;
  gunzip.on("data", (chunk: Buffer) => {
    uncompressed += chunk.length;
    if (uncompressed > limits.maxUncompressedBytes && !bomb) {
      bomb = fail(`expands to more than ${limits.maxUncompressedBytes} bytes (a compression bomb?); refused`);
      gunzip.destroy(bomb);
    }
  });
  const source = Readable.from([data]);
  source.pipe(gunzip).pipe(extract);
  // pipe() does not forward errors: a gzip failure must end the tar reader too, or it waits forever.
  let gzipFailure: ChartArchiveError | undefined;
  gunzip.on("error", (e) => {
    gzipFailure = bomb ?? fail(`cannot be decompressed: ${e.message}`);
    extract.destroy(gzipFailure);
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on("error", (e) => reject(e instanceof ChartArchiveError ? e : gzipFailure ?? fail(`is not a valid tar archive: ${e.message}`)));
    extract.on("finish", resolve);
  });
  // Keep `done` from being reported as unhandled while entries are read below.
  done.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      entries++;
      if (entries > limits.maxEntries) throw fail(`has more than ${limits.maxEntries} entries; refused`);
      const checked = checkEntryPath(h.name);
      if (!checked.ok) throw fail(`entry ${JSON.stringify(h.name)} ${checked.reason}; refused`);
      const type = h.type ?? "file";
      if (type === "symlink" || type === "link") {
        throw fail(`entry ${JSON.stringify(h.name)} is a ${type === "symlink" ? "symbolic" : "hard"} link (to ${JSON.stringify(h.linkname ?? "")}); chart archives hold only files and directories; refused`);
      }
      if (type !== "file" && type !== "contiguous-file" && type !== "directory") {
        throw fail(`entry ${JSON.stringify(h.name)} is a ${type}; chart archives hold only files and directories; refused`);
      }
      if ((h.size ?? 0) > limits.maxEntryBytes) {
        throw fail(`entry ${JSON.stringify(h.name)} is ${h.size} bytes, more than the ${limits.maxEntryBytes} bytes accepted for one file; refused`);
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (type === "directory" || checked.path === "") continue;
      // A path that appears twice: the later entry wins, as in Helm's loader and in tar itself
      // (gateway-1.0.4.tgz of the real museum has such a duplicate).
      files.set(checked.path, Buffer.concat(chunks));
    }
    await done;
  } catch (e) {
    source.destroy();
    gunzip.destroy();
    extract.destroy();
    if (bomb) throw bomb;
    if (gzipFailure) throw gzipFailure;
    if (e instanceof ChartArchiveError) throw e;
    throw fail(`is not a valid tar archive: ${(e as Error).message}`);
  }
  if (bomb) throw bomb;
  if (files.size === 0) throw fail("holds no files");
  return files;
}
