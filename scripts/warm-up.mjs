// The runs whose compiled code becomes V8 code caches, for the bundles (scripts/bundle.mjs) and
// the single executable (scripts/build-binary.mjs): commands on two endpoints in a private network
// namespace (unshare -Urn, where user namespaces are allowed), so a cache also holds what decoding
// and printing endpoints takes (~2 ms of every start, bench/README.md); else read-only commands
// in this namespace (a failure, e.g. without MPTCP, still warms most of the code).
import { spawnSync } from 'node:child_process';

const endpoints = ['endpoint add 10.0.0.1 id 1 subflow', 'endpoint add 10.0.0.2 id 2 signal backup'];

/** The main bundle's run: the most common command, as scripts use it. */
export const ENDPOINT_SHOW = ['endpoint', 'show'];

/**
 * `command`: the CLI as argv words (e.g. node and bin/mptcpctl). `runs`: each a command line and
 * the environment that makes that run write its cache, in order.
 */
export function warmUp(command, runs = [{ args: ENDPOINT_SHOW, env: {} }]) {
  const quote = (word) => `'${word}'`;
  const lines = runs.map(({ args, env }) => `env ${Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`).join(' ')} "$@" ${args.map(quote).join(' ')}`);
  const script = `printf '%s\\n' ${endpoints.map(quote).join(' ')} | "$@" -b - && ${lines.join(' && ')}`;
  const inPrivateNamespace = spawnSync('unshare', ['-Urn', 'sh', '-c', script, 'sh', ...command], { stdio: 'ignore' });
  if (inPrivateNamespace.status === 0) return;
  for (const { args, env } of runs) {
    spawnSync(command[0], [...command.slice(1), ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  }
}
