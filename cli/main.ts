#!/usr/bin/env node
/**
 * `kubesphere-ext`: discover, plan and diagnose KubeSphere 4.x extensions from a terminal, with the
 * same catalog and resolution code as the `KubeSphereExtension` Pulumi component.
 *
 * `run(argv, io)` is the whole program without process globals (tests call it in-process);
 * `main()` wires it to the real process when this file is executed.
 */
import "../components/nodeVersion"; // first: a clear error on an unsupported Node.js
import * as fs from "fs";
import * as path from "path";
import { findCommand, formatOptionHelp, GLOBAL_OPTIONS, OptionSpecs, parseCommandLine, str } from "./args";
import type { Command, CommandRun } from "./command";
import { catalogCommand } from "./commands/catalog";
import { diagnoseCommand } from "./commands/diagnose";
import { planCommand } from "./commands/plan";
import { showCommand } from "./commands/show";
import { valuesCommand } from "./commands/values";
import { versionsCommand } from "./commands/versions";
import { CliContext, createContext } from "./context";
import { ExitCode, ExitCodeValue, UnreachableError, UsageError } from "./errors";
import { makeStyle, parseOutputFormat, TextSink, toJson, toYaml } from "./output";
import { ExtensionResolutionError } from "../components/resolve/errors";

/** The program's name as users type it. */
export const PROGRAM = "kubesphere-ext";

/** Every command, in help order. */
export const COMMANDS: readonly Command[] = [catalogCommand, versionsCommand, showCommand, planCommand, diagnoseCommand, valuesCommand];

/** What `run` needs from its environment (the real process, or buffers in tests). */
export interface CliIo {
  /** Results. */
  stdout: TextSink;
  /** Warnings, problems and errors. */
  stderr: TextSink;
  /** Environment variables (`NO_COLOR`). Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Working directory for relative paths. Defaults to `process.cwd()`. */
  cwd?: string;
  /** Clock in epoch ms. Defaults to `Date.now`. */
  now?: () => number;
}

const EXIT_CODES_HELP =
  "Exit codes:\n" +
  "  0   success (and for diagnose: nothing wrong found)\n" +
  "  1   resolution failed (plan, show) or diagnose found problems; each is printed\n" +
  "  2   usage error: unknown command or option, bad or missing argument, unreadable file\n" +
  "  3   the cluster or its API is unreachable or refused a read (connection, TLS, auth, RBAC)\n";

function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version ?? "unknown";
    if (path.dirname(dir) === dir) return "unknown";
  }
}

/** Top-level help. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return `${PROGRAM} — KubeSphere 4.x extensions: discover, plan, diagnose\n\n` +
    `Usage: ${PROGRAM} COMMAND [ARGS] [OPTIONS]\n\n` +
    "Commands:\n" +
    COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}   ${c.summary}`).join("\n") + "\n\n" +
    "Global options:\n" + formatOptionHelp({ ...GLOBAL_OPTIONS, version: { type: "boolean", description: "print the version and exit" } }) + "\n" +
    "Facts come from the current kubeconfig context (or --kubeconfig/--context), or offline from --catalog with\n" +
    "--ks-version, --kube-version and --installed. Run `" + PROGRAM + " COMMAND --help` for a command's options.\n\n" +
    EXIT_CODES_HELP;
}

/** Help of one command. */
export function commandHelp(c: Command): string {
  const own = Object.keys(c.options).length > 0 ? `Options:\n${formatOptionHelp(c.options)}\n` : "";
  return `Usage: ${PROGRAM} ${c.name}${c.args ? ` ${c.args}` : ""} [OPTIONS]\n\n${c.summary}\n\n${c.description}\n\n` +
    own + `Global options:\n${formatOptionHelp(GLOBAL_OPTIONS)}\n` +
    `Examples:\n${c.examples.map((e) => `  ${e}`).join("\n")}\n\n${EXIT_CODES_HELP}`;
}

function allSpecs(): OptionSpecs {
  return Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options));
}

function checkPositionals(c: Command, positionals: string[]): void {
  const [min, max] = typeof c.positionals === "number" ? [c.positionals, c.positionals] : c.positionals;
  const usage = `${PROGRAM} ${c.name}${c.args ? ` ${c.args}` : ""}`;
  if (positionals.length < min) throw new UsageError(`${c.name} needs ${c.args}: ${usage}`, c.name);
  if (positionals.length > max) {
    throw new UsageError(`${c.name} takes ${max === 0 ? "no arguments" : c.args}, but got ${positionals.map((p) => JSON.stringify(p)).join(" ")}: ${usage}`, c.name);
  }
}

/**
 * Runs the program. Never throws and never exits the process: every outcome is an exit code (see
 * `--help`), with results on `io.stdout` and diagnostics on `io.stderr`.
 */
export async function run(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let command: Command | undefined;
  let format: string | undefined;
  let ctx: CliContext | undefined; // also read when mapping errors to exit codes
  try {
    const found = findCommand(argv, allSpecs());
    if (found.command === undefined) {
      const { values } = parseCommandLine(argv.filter((a) => a !== "--version"), GLOBAL_OPTIONS);
      if (argv.includes("--version")) {
        io.stdout.write(`${packageVersion()}\n`);
        return ExitCode.Ok;
      }
      if (values.help) {
        io.stdout.write(mainHelp());
        return ExitCode.Ok;
      }
      throw new UsageError(`no command given; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
    }
    command = COMMANDS.find((c) => c.name === found.command);
    if (!command) {
      if (found.command === "help") {
        const topic = COMMANDS.find((c) => c.name === found.rest.find((a) => !a.startsWith("-")));
        io.stdout.write(topic ? commandHelp(topic) : mainHelp());
        return ExitCode.Ok;
      }
      throw new UsageError(`unknown command ${JSON.stringify(found.command)}; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
    }
    const specs = { ...GLOBAL_OPTIONS, ...command.options };
    const { values, positionals } = parseCommandLine(found.rest, specs, command.name);
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return ExitCode.Ok;
    }
    format = str(values, "output");
    checkPositionals(command, positionals);
    const outputFormat = parseOutputFormat(format, command.defaultOutput);
    const r: CommandRun = {
      values, positionals, format: outputFormat, cwd,
      style: makeStyle(io.stdout, env, values.color as boolean | undefined),
      stdout: io.stdout, stderr: io.stderr,
      now: io.now ?? Date.now,
      context: () => {
        if (!ctx) {
          ctx = createContext(values, { cwd });
          for (const w of ctx.warnings) io.stderr.write(`warning: ${w}\n`);
        }
        return ctx;
      },
    };
    return await command.run(r);
  } catch (e) {
    const errStyle = makeStyle(io.stderr, env);
    if (e instanceof ExtensionResolutionError && ctx?.unreachable?.()) {
      // The catalog could not be read: a cluster problem (exit 3), not a resolution problem.
      io.stderr.write(`${makeStyle(io.stderr, env).red("error:")} ${ctx.unreachable()!.message}\n`);
      return ExitCode.Unreachable;
    }
    if (e instanceof ExtensionResolutionError) {
      // Scripts asked for data: the problems go to stdout in that format as well.
      if (format === "json") io.stdout.write(toJson({ extension: e.extension, problems: e.problems }));
      if (format === "yaml") io.stdout.write(toYaml({ extension: e.extension, problems: e.problems }));
      io.stderr.write(`${errStyle.red("error:")} ${e.message}\n`);
      return ExitCode.Problems;
    }
    if (e instanceof UsageError) {
      const hint = command ? `Run \`${PROGRAM} ${command.name} --help\` for usage.` : `Run \`${PROGRAM} --help\` for usage.`;
      io.stderr.write(`${errStyle.red("error:")} ${e.message}\n${hint}\n`);
      return ExitCode.Usage;
    }
    if (e instanceof UnreachableError) {
      io.stderr.write(`${errStyle.red("error:")} ${e.message}\n`);
      return ExitCode.Unreachable;
    }
    // A bug or an unexpected failure: say so plainly, with the stack for a report.
    io.stderr.write(`${errStyle.red("internal error:")} ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.Problems;
  }
}

/** Runs with the real process streams and sets the exit code. */
export async function main(): Promise<void> {
  // `kubesphere-ext catalog | head`: a closed pipe ends the output, it is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}

if (require.main === module) void main();
