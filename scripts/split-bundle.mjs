// Splits the CLI bundle in two, for start-up time: dist/mptcpctl.cjs holds what the common
// commands run (the direct route, endpoints, limits, userspace PM, the netlink stack, text and
// JSON output), dist/mptcpctl-lazy.cjs the rest (commander's command tree and help, the monitor,
// status, connection listings, completion, tracing, tables and colours), loaded on first use.
// Half of the old single file was code an `endpoint show` never ran, yet every start read it,
// and its functions' descriptions filled the code cache (~2 ms of every start, bench/README.md).
//
// The split follows the import graph: the lazy bundle starts at the dynamic imports of the
// modules the command table marks lazy (src/cli/table/bundles.ts, read from tsc's output in
// build/) and holds every module only they reach. Its imports of modules the main bundle
// holds become `require('mptcpctl-core:PATH')`, answered from the main bundle's own instances
// (scripts/lazy-loader.mjs), so every module exists once and `instanceof` keeps working.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Dynamic-import targets (paths as esbuild's metafile names them) that start the lazy bundle. */
async function lazyEntriesOf(root) {
  const table = resolve(root, 'build/src/cli/table/bundles.js');
  if (!existsSync(table)) throw new Error(`split-bundle: ${relative(root, table)} is missing (run tsc first)`);
  return (await import(pathToFileURL(table).href)).lazyEntries;
}

const CORE_PREFIX = 'mptcpctl-core:';
const LOADER = 'mptcpctl-lazy-loader';

/**
 * Builds `coreFile` (from `entry`) and `lazyFile`. `options` are esbuild's options shared by
 * both (platform, format, plugins, banner, ...), without entryPoints and outfile.
 */
export async function buildSplit({ root, entry, coreFile, lazyFile, options }) {
  const rel = (path) => relative(root, path);
  const graph = (await build({ ...options, absWorkingDir: root, entryPoints: [entry], outfile: coreFile, write: false, metafile: true })).metafile.inputs;
  const LAZY_ENTRIES = await lazyEntriesOf(root);
  const lazyEntries = new Set(LAZY_ENTRIES);
  const core = reachable(graph, entry, (edge) => !(edge.kind === 'dynamic-import' && lazyEntries.has(edge.path)));
  for (const path of lazyEntries) {
    if (!graph[path]) throw new Error(`split-bundle: ${path} is not in the bundle (src/cli/table/bundles.ts is out of date)`);
    if (core.has(path)) throw new Error(`split-bundle: ${path} is imported statically by the main bundle, so it cannot be lazy`);
  }
  // The main bundle's modules that lazy ones import: the only ones the lazy bundle asks for.
  const shared = new Set();
  for (const [path, input] of Object.entries(graph)) {
    if (core.has(path)) continue;
    for (const edge of input.imports) if (core.has(edge.path)) shared.add(edge.path);
  }

  const exportsOf = await exportNames(root, [...shared].sort(), options);
  const resolved = (b, args) => b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { splitResolving: true } });

  // Main bundle: a dynamic import of a lazy entry asks the loader for that module.
  const coreSide = {
    name: 'split-core-side',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.splitResolving) return undefined;
        if (args.path === LOADER) return { path: LOADER, namespace: 'split' };
        if (args.kind !== 'dynamic-import') return undefined;
        const target = await resolved(b, args);
        const path = target.path && !target.external ? rel(target.path) : undefined;
        return path && lazyEntries.has(path) ? { path, namespace: 'split-lazy-entry' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'split-lazy-entry' }, (args) => ({
        loader: 'js',
        contents: `module.exports = require(${JSON.stringify(LOADER)}).default(${JSON.stringify(args.path)});`,
      }));
      b.onLoad({ filter: /.*/, namespace: 'split' }, () => {
        const modules = [...exportsOf];
        const local = (i, name) => `shared${i}_${name}`;
        const imports = modules.map(([path, names], i) => `import { ${names.map((name) => `${name} as ${local(i, name)}`).join(', ')} } from ${JSON.stringify(resolve(root, path))};`);
        const getters = modules.map(
          ([path, names], i) => `${JSON.stringify(path)}: () => ({ __esModule: true, ${names.map((name) => `get ${name}() { return ${local(i, name)}; }`).join(', ')} }),`,
        );
        const template = readFileSync(new URL('./lazy-loader.mjs', import.meta.url), 'utf8');
        return {
          loader: 'js',
          resolveDir: root,
          contents: template.replace('/* SHARED IMPORTS */', imports.join('\n')).replace('/* SHARED MODULES */', getters.join('\n')),
        };
      });
    },
  };

  // Lazy bundle: its entry lists the lazy entries; imports of main-bundle modules stay outside.
  const lazySide = {
    name: 'split-lazy-side',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.splitResolving || args.kind === 'entry-point') return undefined;
        if (args.path.startsWith(CORE_PREFIX)) return { path: args.path, external: true };
        const target = await resolved(b, args);
        const path = target.path && !target.external && target.namespace === 'file' ? rel(target.path) : undefined;
        return path && core.has(path) ? { path, namespace: 'split-core-module' } : undefined;
      });
      // A module of the main bundle, as `require` gives it: through a module of its own rather than
      // as an external import, which esbuild would leave as a real import() when imported dynamically.
      b.onLoad({ filter: /.*/, namespace: 'split-core-module' }, (args) => ({
        loader: 'js',
        contents: `module.exports = require(${JSON.stringify(`${CORE_PREFIX}${args.path}`)});`,
      }));
      b.onResolve({ filter: /^mptcpctl-lazy-entries$/ }, () => ({ path: 'entries', namespace: 'split' }));
      b.onLoad({ filter: /.*/, namespace: 'split' }, () => ({
        loader: 'js',
        resolveDir: root,
        contents: `exports.modules = {\n${LAZY_ENTRIES.map((path) => `${JSON.stringify(path)}: () => require(${JSON.stringify(resolve(root, path))}),`).join('\n')}\n};`,
      }));
    },
  };

  await build({ ...options, absWorkingDir: root, entryPoints: [entry], outfile: coreFile, plugins: [coreSide, ...(options.plugins ?? [])] });
  await build({
    ...options,
    absWorkingDir: root,
    entryPoints: ['mptcpctl-lazy-entries'],
    outfile: lazyFile,
    plugins: [lazySide, ...(options.plugins ?? [])],
  });
}

/** Each module's export names (esbuild reads them, `export *` included), by path. */
async function exportNames(root, paths, options) {
  if (!paths.length) return new Map();
  const { metafile } = await build({
    ...options,
    ...{ banner: undefined, footer: undefined, minify: false },
    absWorkingDir: root,
    entryPoints: paths,
    outdir: 'exports-of',
    outbase: root,
    entryNames: '[dir]/[name]',
    format: 'esm',
    write: false,
    metafile: true,
  });
  const names = new Map();
  for (const output of Object.values(metafile.outputs)) if (output.entryPoint) names.set(output.entryPoint, output.exports);
  for (const path of paths) if (!names.has(path)) throw new Error(`split-bundle: no exports found for ${path}`);
  return names;
}

/** The inputs reached from `start` over the edges `follow` accepts. */
function reachable(graph, start, follow) {
  const seen = new Set();
  const todo = [start];
  while (todo.length) {
    const path = todo.pop();
    if (seen.has(path) || !graph[path]) continue;
    seen.add(path);
    for (const edge of graph[path].imports) if (!edge.external && follow(edge)) todo.push(edge.path);
  }
  return seen;
}
