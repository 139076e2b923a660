/** The shape every `kubesphere-ext` command has, and what it is given to run. */
import type { OptionSpecs, OptionValues } from "./args";
import type { CliContext } from "./context";
import type { ExitCodeValue } from "./errors";
import type { OutputFormat, Style, TextSink } from "./output";

/** What a command runs with. */
export interface CommandRun {
  /** Parsed option values (global and the command's own). */
  values: OptionValues;
  /** Positional arguments after the command name. */
  positionals: string[];
  /** The catalog and live reads; created on first use (so usage errors come before cluster access). */
  context(): CliContext;
  /** `-o` (or the command's default). */
  format: OutputFormat;
  /** Colour for table output. */
  style: Style;
  /** Where results go. */
  stdout: TextSink;
  /** Where warnings and problems go. */
  stderr: TextSink;
  /** Current time in epoch ms. */
  now(): number;
  /** Working directory for relative paths. */
  cwd: string;
}

/** A subcommand. */
export interface Command {
  /** Name as typed, e.g. `versions`. */
  name: string;
  /** Positional syntax for help, e.g. `NAME[@VERSION]`. */
  args: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs for `<command> --help`. */
  description: string;
  /** Examples for `<command> --help`. */
  examples: string[];
  /** The command's own options (besides the global ones). */
  options: OptionSpecs;
  /** Output format when `-o` is not given. */
  defaultOutput: OutputFormat;
  /** Exact number of positionals, or `[min, max]`. */
  positionals: number | [number, number];
  /** Runs the command; returns the exit code. Throws `UsageError`/`UnreachableError` for 2/3. */
  run(run: CommandRun): Promise<ExitCodeValue>;
}
