/** Runs the CLI in-process with captured output (tests). */
import { run } from "../../cli/main";
import { CATALOG_DIR } from "../support/sharedFixture";

/** Captured result of one run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kubesphere-ext <argv>` in-process; stdout is not a TTY unless `tty` is set. */
export async function runCli(argv: string[], opts: { tty?: boolean; env?: Record<string, string>; now?: number; cwd?: string } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: opts.env ?? {},
    cwd: opts.cwd,
    now: opts.now !== undefined ? () => opts.now! : undefined,
  });
  return { code, stdout, stderr };
}

/** Global options for the shared fixture, offline, on the host it was taken from. */
export const OFFLINE = ["--catalog", CATALOG_DIR, "--ks-version", "v4.1.3", "--kube-version", "v1.30.4"];
