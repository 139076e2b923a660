/** Thrown when a requested extension cannot be resolved; lists every problem found, not just the first. */
export class ExtensionResolutionError extends Error {
  /** The extension that was requested. */
  readonly extension: string;
  /** Every problem, each a complete sentence saying what is wrong and what would be valid. */
  readonly problems: string[];
  constructor(extension: string, problems: string[]) {
    const label = extension || "<unnamed>";
    super(problems.length === 1
      ? `extension ${JSON.stringify(label)}: ${problems[0]}`
      : `extension ${JSON.stringify(label)} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ExtensionResolutionError";
    this.extension = extension;
    this.problems = problems;
  }
}
