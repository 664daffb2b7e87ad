/**
 * Every module the main bundle loads on first use, by name. Which bundle each is built into is
 * said in bundles.ts (build-time data, not carried by the bundle every start reads); the test of
 * the command table checks that each loader here loads the source named there.
 */
export const modules = {
  // The commands' modules (the command table runs each verb through its object's).
  endpoint: () => import('../commands/endpoint.js'),
  limits: () => import('../commands/limits.js'),
  userspace: () => import('../commands/userspace.js'),
  connection: () => import('../commands/connection.js'),
  status: () => import('../commands/status.js'),
  config: () => import('../commands/config.js'),
  // commander's tree with the help (it loads the monitor and the completion scripts itself).
  program: () => import('../program.js'),
  completeValues: () => import('../completion/values.js'),
  trace: () => import('../trace/trace.js'),
  stack: () => import('../stack.js'),
};
