/**
 * Time to a true verdict, per fault (issue 12): each scenario of the fault matrix
 * (`tests/readiness/faultScenarios.ts`: the simulator's API server on loopback, the real client,
 * a scripted controller or the controller simulator) is run `--runs` times; the table gives the
 * verdict and the median / max time from the fault to the wait's verdict, next to the wait's
 * timeout (20 s here) that the old behaviour fell back to for the Job-deleted fault ("still
 * running") and for a deleted or rewritten plan. Grace periods are the defaults (Job missing: 2 s).
 * The unreachable-member row is a timeout by design (1.5 s here): its figure is the timeout. The
 * re-created row includes the scenario's own injected 503 and the informer's 100 ms backoff before
 * the re-list that shows the new uid.
 *
 *   npx ts-node --transpile-only bench/faults.ts [--runs 5]
 */
import * as os from "node:os";
import { FAULT_SCENARIOS } from "../tests/readiness/faultScenarios";
import { median, positiveArg } from "./cli";

const RUNS = positiveArg("runs", 5, true);

async function main(): Promise<void> {
  console.log(`# Time to verdict per fault (${RUNS} runs each; node ${process.version}, ${os.cpus().length} CPUs)\n`);
  console.log("| fault | verdict | median ms | max ms | before (previous code's rules, not measured) |");
  console.log("|---|---|---:|---:|---|");
  for (const s of FAULT_SCENARIOS) {
    const times: number[] = [];
    const verdicts = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      const o = await s.run();
      times.push(o.msToVerdict);
      const first = o.error ? `${o.error.name}: ${o.error.message.split("\n")[0]}` : "resolved (wrong)";
      verdicts.add(first.length > 110 ? `${first.slice(0, 107)}...` : first);
    }
    const verdict = verdicts.size === 1 ? [...verdicts][0] : `${verdicts.size} different verdicts: ${[...verdicts].join(" / ")}`;
    console.log(`| ${s.name} | ${verdict.replace(/\|/g, "\\|")} | ${median(times).toFixed(1)} | ${Math.max(...times).toFixed(1)} | ${s.before} |`);
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
