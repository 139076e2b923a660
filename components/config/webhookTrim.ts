/**
 * The InstallPlan mutating webhook's rewrite of `spec.config` and every override (docs/kubesphere-behavior.md §3.1,
 * `installplan_webhook.go:38-60`): trailing whitespace (spaces, tabs, `\r`, ...) is stripped from
 * each line, so CRLF becomes LF and blank-but-spaced lines become empty. Line structure, leading
 * whitespace and a final newline are kept. Applying the same trim client-side makes desired and
 * live values identical, so Pulumi never shows an endless diff.
 */
export function trimLikeWebhook(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/\s+$/u, ""))
    .join("\n");
}
