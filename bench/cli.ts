/** Shared by the benchmarks: numeric command-line options and the median. */

/**
 * `--<name> <value>` as a positive number (or integer), else `fallback`; a bad value stops the run.
 *
 * @param name option name without dashes.
 * @param fallback value when the option is absent.
 * @param integer require a whole number.
 */
export function positiveArg(name: string, fallback: number, integer = false): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  const ok = integer ? Number.isInteger(v) && v > 0 : Number.isFinite(v) && v > 0;
  if (!ok) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${process.argv[i + 1]}`);
  return v;
}

/** The median (mean of the middle two for an even count); NaN for no values. */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
