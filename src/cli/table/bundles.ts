/**
 * Which bundle each lazily loaded module is built into: `main`, the file every start reads, or
 * `lazy`, read only when one of its modules is first loaded. Build-time data: the CLI never
 * imports this file; scripts/split-bundle.mjs reads it (built) to split the bundle, and
 * test/unit/command-table.test.ts checks each name's source against its loader in modules.ts.
 */
import type { modules } from './modules.js';

export interface Placement {
  /** The source path, as esbuild's metafile names it. */
  source: string;
  bundle: 'main' | 'lazy';
}

const main = (source: string): Placement => ({ source, bundle: 'main' });
const lazy = (source: string): Placement => ({ source, bundle: 'lazy' });

/** Each loader of modules.ts by its name. */
export const placements: Record<keyof typeof modules, Placement> = {
  endpoint: main('src/cli/commands/endpoint.ts'),
  limits: main('src/cli/commands/limits.ts'),
  userspace: main('src/cli/commands/userspace.ts'),
  connection: lazy('src/cli/commands/connection.ts'),
  status: lazy('src/cli/commands/status.ts'),
  config: lazy('src/cli/commands/config.ts'),
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

/** The modules that start the lazy bundle, for scripts/split-bundle.mjs. */
export const lazyEntries: readonly string[] = [...Object.values(placements).filter((p) => p.bundle === 'lazy').map((p) => p.source), ...loadedElsewhere];
