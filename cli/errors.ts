/**
 * Exit codes of `kubesphere-ext` and the errors that map to them. Scripts can rely on these numbers;
 * they are printed by `--help`.
 */

/** Process exit codes. */
export const ExitCode = {
  /** Success: the command did what was asked, and `diagnose` found nothing wrong. */
  Ok: 0,
  /** Resolution failed (`plan`, the problems are printed) or `diagnose` found problems. */
  Problems: 1,
  /** Bad usage: unknown command or option, missing or malformed argument, unreadable input file. */
  Usage: 2,
  /** The cluster or its API could not be reached or refused a read (connection, TLS, auth, RBAC). */
  Unreachable: 3,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A usage error: the message says what was wrong and what would be valid. Exit code 2. */
export class UsageError extends Error {
  /**
   * @param message what was wrong and what would be valid
   * @param command the command whose usage to point at, if any
   */
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The cluster could not be reached or refused a read. Exit code 3. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreachableError";
  }
}
