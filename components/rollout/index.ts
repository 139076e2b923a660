/**
 * Staged rollouts of a Multicluster extension's member-cluster agents (docs/rollouts.md): the
 * argument's validation (`spec.ts`), the pure plan (`plan.ts`) and the runtime (`run.ts`).
 */
export { validateRollout, targetWaves, ROLLOUT_FIELDS, type RolloutSpec } from "./spec";
export {
  planRollout, describeRollout, describeWave, schedulingForWave, finalScheduling, expectationForWave, schedulingPatch,
  RolloutInputError, type ClusterChange, type RolloutPlan, type RolloutPlanInput, type RolloutWave,
} from "./plan";
export { runRollout, formatTimeline, RolloutFailedError, type RolloutInput, type RolloutResult, type RunRolloutOptions, type WaveRecord, type RolloutWaitOptions } from "./run";
export { clientRolloutApi, ROLLOUT_FIELD_MANAGER, type RolloutApi } from "./kubeApi";
