/** Thrown when a request (or a set of them) cannot be resolved; lists every problem found, not just the first. */
export class ExtensionResolutionError extends Error {
  /** The extension that was requested (for a set: the member names, comma-separated). */
  readonly extension: string;
  /** Every problem, each a complete sentence saying what is wrong and what would be valid. */
  readonly problems: string[];
  /**
   * @param extension the extension name (or the set's member names)
   * @param problems every problem found
   * @param subject how the message names what failed; defaults to `extension "<name>"`
   */
  constructor(extension: string, problems: string[], subject?: string) {
    const label = subject ?? `extension ${JSON.stringify(extension || "<unnamed>")}`;
    super(problems.length === 1
      ? `${label}: ${problems[0]}`
      : `${label} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ExtensionResolutionError";
    this.extension = extension;
    this.problems = problems;
  }
}
