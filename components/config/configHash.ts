/**
 * `configHash` as the InstallPlan controller computes it: FNV-1a 64-bit over the raw UTF-8 bytes,
 * rendered as 16 lower-case hex digits (docs/kubesphere-behavior.md §2.11, `pkg/utils/hashutil/hashutil.go`).
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** FNV-1a 64 of `text` (UTF-8) as 16 lower-case hex digits; `""` gives `cbf29ce484222325`. */
export function fnv1a64Hex(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, "0");
}
