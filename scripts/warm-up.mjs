// The runs whose compiled code becomes V8 code caches, for the bundles (scripts/bundle.mjs) and
// the single executable (scripts/build-binary.mjs): commands on two endpoints in a private network
// namespace (unshare -Urn, where user namespaces are allowed), so a cache also holds what decoding
// and printing endpoints takes (else compiled at every start, bench/README.md); else read-only
// commands in this namespace (a failure, e.g. without MPTCP, still warms most of the code).
//
// A run writes a cache when MPTCPCTL_WRITE_CODE_CACHE names the bundle (`main`, `lazy` or
// `config`), to MPTCPCTL_CODE_CACHE_FILE or else beside the bundle's file (bin/mptcpctl's loader reads
// both). The run that adds the endpoints sets it empty: it writes no cache, or the main one,
// missing at that point, would be written from a batch run and then grow by what `endpoint show`
// adds to it.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const endpoints = ['endpoint add 10.0.0.1 id 1 subflow', 'endpoint add 10.0.0.2 id 2 signal backup'];

/** A desired-state file the state above already satisfies: `config diff` of it exits 0. */
const DESIRED = 'endpoints:\n  - address: 10.0.0.1\n    id: 1\n    flags: [subflow]\nrules:\n  - interfaces: ["none*"]\nunlisted: keep\n';

/** One that changes it (limits, an endpoint added, one changed): `config apply` of it, only in the private namespace. */
const CHANGED = 'limits:\n  subflows: 2\n  add_addr_accepted: 2\nendpoints:\n  - address: 10.0.0.1\n    id: 1\n    flags: [subflow, backup]\n  - address: 10.0.0.3\n    id: 3\n    flags: [signal]\nrules:\n  - interfaces: ["none*"]\nunlisted: keep\n';

/**
 * The cache-writing runs: `endpoint show`, the most common command, for the main bundle; for the
 * lazy one, a batch that commander reads, with table and colour output, read from standard input;
 * for the config one (yaml's parser, the planner and, in the private namespace, the applier),
 * `config apply` there, else `config diff`, which changes nothing.
 */
function cacheRuns(files, desiredFile, changedFile) {
  const env = (bundle, file) => ({ MPTCPCTL_WRITE_CODE_CACHE: bundle, ...(file ? { MPTCPCTL_CODE_CACHE_FILE: file } : {}) });
  return [
    { args: ['endpoint', 'show'], env: env('main', files.main) },
    { args: ['--format', 'table', '--color', 'always', '-b', '-'], env: env('lazy', files.lazy), input: ['endpoint show'] },
    { args: changedFile ? ['config', 'apply', changedFile] : ['config', 'diff', desiredFile], env: env('config', files.config) },
  ];
}

/**
 * `command`: the CLI as argv words (e.g. node and bin/mptcpctl). `files`: where the `main` and
 * `lazy` caches go when not beside their bundles (the single executable has no such place).
 */
export function warmUp(command, files = {}) {
  const desiredFile = join(tmpdir(), `mptcpctl-warm-up-${process.pid}.yaml`);
  const changedFile = join(tmpdir(), `mptcpctl-warm-up-${process.pid}-changed.yaml`);
  writeFileSync(desiredFile, DESIRED);
  writeFileSync(changedFile, CHANGED);
  try {
    const runs = cacheRuns(files, desiredFile, changedFile);
    const quote = (word) => `'${word}'`;
    const lines = runs.map(({ args, env, input }) => `${input ? `printf '%s\\n' ${input.map(quote).join(' ')} | ` : ''}env ${Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`).join(' ')} "$@" ${args.map(quote).join(' ')}`);
    const script = `printf '%s\\n' ${endpoints.map(quote).join(' ')} | env MPTCPCTL_WRITE_CODE_CACHE= "$@" -b - && ${lines.join(' && ')}`;
    const inPrivateNamespace = spawnSync('unshare', ['-Urn', 'sh', '-c', script, 'sh', ...command], { stdio: 'ignore' });
    if (inPrivateNamespace.status === 0) return;
    for (const { args, env, input } of cacheRuns(files, desiredFile)) {
      spawnSync(command[0], [...command.slice(1), ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'ignore'], input: input ? `${input.join('\n')}\n` : '' });
    }
  } finally {
    rmSync(desiredFile, { force: true });
    rmSync(changedFile, { force: true });
  }
}
