/** Desired state as a library: parse a file, plan against a namespace, apply, follow. */
export { parseConfig, type ParseOptions } from './parse.js';
export { planConfig, type Plan, type PlannedEndpoint, type Change, type PlanOptions } from './plan.js';
export { applyConfig, restoreState, ApplyError, type ApplyTarget, type ApplyResult } from './apply.js';
export { followConfig, type FollowOptions } from './follow.js';
export { readState } from './state.js';
export { stateFile, stateYaml } from './show.js';
export { planText, planJson, changeLine } from './render.js';
export { ConfigError, type DesiredConfig, type ObservedState, type ConfigProblem } from './model.js';
export type { Skip } from './candidates.js';
