/** Checks on text that will be written to the cluster. */

/**
 * A message when `s` is not well-formed Unicode (holds a lone UTF-16 surrogate, as left by decoding
 * non-UTF-8 bytes or by slicing): written to the cluster it would become U+FFFD replacement characters.
 */
export function unicodeProblem(s: string): string | undefined {
  // With the `u` flag a surrogate class matches only unpaired surrogates (pairs are one code point).
  const m = /[\uD800-\uDFFF]/u.exec(s);
  if (m === null) return undefined;
  const at = m.index;
  return `is not valid Unicode text: it holds a lone UTF-16 surrogate at character ${at} (input that was not UTF-8, or ` +
    "text cut inside a character); it would be written as U+FFFD replacement characters. Give UTF-8 text";
}
