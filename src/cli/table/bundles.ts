/**
 * Which bundle each lazily loaded module is built into: `main`, the file every start reads,
 * `lazy`, read only when one of its modules is first loaded, or `config`, the desired-state
 * commands with yaml, read only by them (so they do not read commander's tree, the renderers and
 * the help that fill `lazy`). Build-time data: the CLI never
 * imports this file; scripts/split-bundle.mjs reads it (built) to split the bundle, and
 * test/unit/command-table.test.ts checks each name's source against its loader in modules.ts.
 */
import type { modules } from './modules.js';

export interface Placement {
  /** The source path, as esbuild's metafile names it. */
  source: string;
  bundle: 'main' | LazyBundle;
}

/** The bundles loaded on first use, each with its own code cache (dist/mptcpctl-NAME.cjs). */
export type LazyBundle = 'lazy' | 'config';

const main = (source: string): Placement => ({ source, bundle: 'main' });
const lazy = (source: string): Placement => ({ source, bundle: 'lazy' });
const config = (source: string): Placement => ({ source, bundle: 'config' });

/** Each loader of modules.ts by its name. */
export const placements: Record<keyof typeof modules, Placement> = {
  endpoint: main('src/cli/commands/endpoint.ts'),
  limits: main('src/cli/commands/limits.ts'),
  userspace: main('src/cli/commands/userspace.ts'),
  connection: lazy('src/cli/commands/connection.ts'),
  status: lazy('src/cli/commands/status.ts'),
  config: config('src/cli/commands/config.ts'),
  program: lazy('src/cli/program.ts'),
  completeValues: lazy('src/cli/completion/values.ts'),
  trace: lazy('src/cli/trace/trace.ts'),
  stack: lazy('src/cli/stack.ts'),
};

/**
 * Lazy too: what commander's tree loads for the monitor and the completion scripts, and what the
 * renderers load for tables and colours on a terminal.
 */
const loadedElsewhere = [
  'src/cli/commands/monitor.ts',
  'src/cli/completion/model.ts',
  'src/cli/completion/scripts.ts',
  'node_modules/chalk/source/index.js',
  'node_modules/cli-table3/index.js',
  'src/cli/output/table-draw.ts',
];

const entriesOf = (bundle: LazyBundle): string[] => Object.values(placements).filter((p) => p.bundle === bundle).map((p) => p.source);

/** The modules that start each bundle loaded on first use, for scripts/split-bundle.mjs. */
export const bundleEntries: Record<LazyBundle, readonly string[]> = {
  lazy: [...entriesOf('lazy'), ...loadedElsewhere],
  config: entriesOf('config'),
};

/** Every module that starts a bundle loaded on first use. */
export const lazyEntries: readonly string[] = Object.values(bundleEntries).flat();

/**
 * Modules that both `lazy` and `config` reach, built into each: rtnetlink's address and link
 * readers and the namespace watcher (functions only: no module state, no class to `instanceof`),
 * small enough that a copy costs less than a fourth bundle. scripts/split-bundle.mjs refuses any other module two of them reach.
 */
export const copiedInEach: readonly string[] = ['src/netlink/rtnl-addr.ts', 'src/netlink/rtnl-link.ts', 'src/sys/netns-watch.ts'];
