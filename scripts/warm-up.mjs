// The run whose compiled code becomes a V8 code cache, for the bundle (scripts/bundle.mjs) and
// the single executable (scripts/build-binary.mjs): an `endpoint show` of two endpoints in a
// private network namespace (unshare -Urn, where user namespaces are allowed), so the cache also
// holds what decoding and printing endpoints takes (~2 ms of every start, bench/README.md); else
// a read-only `endpoint show` of this namespace (a failure, e.g. without MPTCP, still warms most
// of the code).
import { spawnSync } from 'node:child_process';

const endpoints = ['endpoint add 10.0.0.1 id 1 subflow', 'endpoint add 10.0.0.2 id 2 signal backup'];

/**
 * `command`: the CLI as argv words (e.g. node and bin/mptcpctl). `cacheEnv`: the environment that
 * makes it write its cache, set for the `endpoint show` run only.
 */
export function warmUp(command, cacheEnv = {}) {
  const assignments = Object.entries(cacheEnv).map(([name, value]) => `${name}='${value}'`);
  const script = `printf '%s\\n' ${endpoints.map((line) => `'${line}'`).join(' ')} | "$@" -b - && env ${assignments.join(' ')} "$@" endpoint show`;
  const inPrivateNamespace = spawnSync('unshare', ['-Urn', 'sh', '-c', script, 'sh', ...command], { stdio: 'ignore' });
  if (inPrivateNamespace.status === 0) return;
  spawnSync(command[0], [...command.slice(1), 'endpoint', 'show'], { env: { ...process.env, ...cacheEnv }, stdio: 'ignore' });
}
