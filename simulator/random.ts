/**
 * Deterministic random names. The helm executor names Jobs `helm-<action>-<release>-<6 chars>`
 * from the alphabet of `k8s.io/apimachinery/pkg/util/rand` (docs/kubesphere-behavior.md §2.10); the simulator draws
 * them from a seeded generator so runs are reproducible.
 */

/** Alphabet of `utilrand.String` (no vowels, no confusable digits). */
export const KUBE_RAND_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A seeded pseudo-random generator (mulberry32). */
export class SeededRandom {
  private state: number;

  /** @param seed any 32-bit integer; equal seeds give equal sequences. */
  constructor(seed = 1) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** `n` characters from {@link KUBE_RAND_ALPHABET}. */
  suffix(n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += KUBE_RAND_ALPHABET[Math.floor(this.next() * KUBE_RAND_ALPHABET.length)];
    return out;
  }
}
