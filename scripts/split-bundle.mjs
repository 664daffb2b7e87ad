// Splits the CLI bundle, for start-up time: dist/mptcpctl.cjs holds what the common commands run
// (the direct route, endpoints, limits, userspace PM, the netlink stack, text and JSON output);
// bundles loaded on first use hold the rest: dist/mptcpctl-lazy.cjs (commander's command tree and
// help, the monitor, status, connection listings, completion, tracing, tables and colours) and
// dist/mptcpctl-config.cjs (the desired-state commands and yaml), so `config apply` reads neither
// commander nor the renderers. Half of the old single file was code an `endpoint show` never ran,
// yet every start read it, and its functions' descriptions filled the code cache (~2 ms of every
// start, bench/README.md).
//
// The split follows the import graph: each bundle loaded on first use starts at the dynamic
// imports of the modules the command table places in it (src/cli/table/bundles.ts, read from
// tsc's output in build/) and holds every module only they reach. Its imports of modules the main
// bundle holds become `require('mptcpctl-core:PATH')`, answered from the main bundle's own
// instances (scripts/lazy-loader.mjs), so every module exists once and `instanceof` keeps
// working; two such bundles share no module but the few bundles.ts lets each carry a copy of.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** bundles.ts's modules that start each bundle loaded on first use (paths as esbuild's metafile names them), and the ones each may copy. */
async function placementsOf(root) {
  const table = resolve(root, 'build/src/cli/table/bundles.js');
  if (!existsSync(table)) throw new Error(`split-bundle: ${relative(root, table)} is missing (run tsc first)`);
  const { bundleEntries, copiedInEach } = await import(pathToFileURL(table).href);
  return { bundleEntries, copiedInEach: new Set(copiedInEach) };
}

const CORE_PREFIX = 'mptcpctl-core:';
const LOADER = 'mptcpctl-lazy-loader';

/**
 * How the main bundle asks for a lazy entry, and the bundle holding it lists it: `BUNDLE:PATH`,
 * PATH without `src/cli/` and `.ts` or `.js` (text every start would read again for each entry).
 */
const entryKey = (bundle, path) => `${bundle}:${path.replace(/^src\/(?:cli\/)?/, '').replace(/\.[jt]s$/, '')}`;

/** The file of the bundle NAME beside `coreFile` (mptcpctl.cjs -> mptcpctl-NAME.cjs), as scripts/lazy-loader.mjs finds it. */
export const bundleFile = (coreFile, name) => coreFile.replace(/\.cjs$/, `-${name}.cjs`);

/**
 * Builds `coreFile` (from `entry`) and, beside it, each bundle loaded on first use (bundleFile()).
 * `options` are esbuild's options shared by all (platform, format, plugins, banner, ...), without
 * entryPoints and outfile. Returns those bundles' files by name.
 */
export async function buildSplit({ root, entry, coreFile, options }) {
  const rel = (path) => relative(root, path);
  const graph = (await build({ ...options, absWorkingDir: root, entryPoints: [entry], outfile: coreFile, write: false, metafile: true })).metafile.inputs;
  const { bundleEntries, copiedInEach } = await placementsOf(root);
  const LAZY_ENTRIES = Object.values(bundleEntries).flat();
  const lazyEntries = new Set(LAZY_ENTRIES);
  const bundleOf = new Map(Object.entries(bundleEntries).flatMap(([name, paths]) => paths.map((path) => [path, name])));
  const core = reachable(graph, entry, (edge) => !(edge.kind === 'dynamic-import' && lazyEntries.has(edge.path)));
  for (const path of lazyEntries) {
    if (!graph[path]) throw new Error(`split-bundle: ${path} is not in the bundle (src/cli/table/bundles.ts is out of date)`);
    if (core.has(path)) throw new Error(`split-bundle: ${path} is imported statically by the main bundle, so it cannot be lazy`);
  }
  // What each bundle loaded on first use holds: another bundle's entry is reached only through
  // the main bundle's loaders (modules.ts), and no module is in two but those bundles.ts copies.
  const holder = new Map();
  for (const [name, paths] of Object.entries(bundleEntries)) {
    for (const path of reachable(graph, paths, (edge) => !core.has(edge.path))) {
      const other = bundleOf.get(path);
      if (other !== undefined && other !== name) throw new Error(`split-bundle: ${path} (bundle ${other}) is imported by a module of bundle ${name}: import it through src/cli/table/modules.ts`);
      if (holder.has(path) && !copiedInEach.has(path)) throw new Error(`split-bundle: ${path} is reached by bundles ${holder.get(path)} and ${name}: place it in one (src/cli/table/bundles.ts)`);
      holder.set(path, name);
    }
  }
  // The main bundle's modules that lazy ones import: the only ones the lazy bundles ask for.
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
        contents: `module.exports = require(${JSON.stringify(LOADER)}).default(${JSON.stringify(entryKey(bundleOf.get(args.path), args.path))});`,
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

  // A bundle loaded on first use: its entry lists its entries; imports of main-bundle modules stay outside.
  const lazySide = (bundle, entries) => ({
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
        contents: `exports.modules = {\n${entries.map((path) => `${JSON.stringify(entryKey(bundle, path))}: () => require(${JSON.stringify(resolve(root, path))}),`).join('\n')}\n};`,
      }));
    },
  });

  await build({ ...options, absWorkingDir: root, entryPoints: [entry], outfile: coreFile, plugins: [coreSide, ...(options.plugins ?? [])] });
  const files = {};
  for (const [name, entries] of Object.entries(bundleEntries)) {
    files[name] = bundleFile(coreFile, name);
    await build({
      ...options,
      absWorkingDir: root,
      entryPoints: ['mptcpctl-lazy-entries'],
      outfile: files[name],
      plugins: [lazySide(name, entries), ...(options.plugins ?? [])],
    });
  }
  return files;
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

/** The inputs reached from `start` (one path or several) over the edges `follow` accepts. */
function reachable(graph, start, follow) {
  const seen = new Set();
  const todo = [start].flat();
  while (todo.length) {
    const path = todo.pop();
    if (seen.has(path) || !graph[path]) continue;
    seen.add(path);
    for (const edge of graph[path].imports) if (!edge.external && follow(edge)) todo.push(edge.path);
  }
  return seen;
}
