/**
 * An internal error's stack as the sources read: frames in the CLI bundles (dist/mptcpctl.cjs,
 * dist/mptcpctl-lazy.cjs and dist/mptcpctl-config.cjs, or the single executable's assets of
 * those names) are mapped through their source maps (`*.cjs.map`, written by the build) to
 * `src/...ts:LINE:COLUMN`. Loaded only to print such a stack (--debug), so no other run reads a
 * map or loads node:module.
 */
import { requireHere } from '../util/require.js';

declare const MPTCPCTL_SEA: boolean | undefined;

/** A stack frame in one of the bundles: `    at [async ]NAME (FILE:LINE:COLUMN)` or `    at FILE:LINE:COLUMN`. */
const BUNDLE_FRAME = /^(\s+at )(async )?(?:[^()]*? \()?([^()\s]*mptcpctl(?:-lazy|-config)?\.cjs):(\d+):(\d+)\)?$/;

interface MapEntry {
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
}

interface SourceMapLike {
  findEntry(line: number, column: number): MapEntry;
}

/** The map of a bundle, by the file name its frames carry; undefined when there is none. */
function loadMap(file: string): SourceMapLike | undefined {
  try {
    const { SourceMap } = requireHere('node:module') as typeof import('node:module');
    let text: string;
    if (typeof MPTCPCTL_SEA !== 'undefined' && MPTCPCTL_SEA) {
      const { getAsset } = requireHere('node:sea') as { getAsset(key: string, encoding: string): string };
      text = getAsset(`${file.replace(/^.*\//, '')}.map`, 'utf8');
    } else {
      text = (requireHere('node:fs') as typeof import('node:fs')).readFileSync(`${file}.map`, 'utf8');
    }
    return new SourceMap(JSON.parse(text) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return undefined;
  }
}

/** The source path as the package lays it out (`src/cli/run.ts`): the map's paths are relative to the bundle. */
const sourcePath = (source: string): string => source.replace(/^(?:file:\/\/)?(?:.*?\/)?(?=(?:src|node_modules)\/)/, '').replace(/^(?:\.\.\/)+/, '');

/** `stack` with every bundle frame replaced by its source position (frames without a mapping are kept). */
export function sourceMappedStack(stack: string, mapOf: (file: string) => SourceMapLike | undefined = loadMap): string {
  const maps = new Map<string, SourceMapLike | undefined>();
  return stack
    .split('\n')
    .map((line) => {
      const frame = BUNDLE_FRAME.exec(line);
      if (!frame) return line;
      const [, at, isAsync, file, row, column] = frame;
      if (!maps.has(file!)) maps.set(file!, mapOf(file!));
      const entry = maps.get(file!)?.findEntry(Number(row) - 1, Number(column) - 1);
      if (entry?.originalSource === undefined || entry.originalLine === undefined) return line;
      // The bundle's names are minified: the source position says more than `me` or `Sn`.
      return `${at}${isAsync ?? ''}${sourcePath(entry.originalSource)}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    })
    .join('\n');
}
