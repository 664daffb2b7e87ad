/**
 * Parsers for the `ss` output that kernel tests compare with (iproute2 6.1 formats):
 * `ss -MnaiH` (MPTCP sockets, each followed by an indented line of mptcp_info) and `ss -tnaiOH`
 * (one line per TCP socket; subflows carry `tcp-ulp-mptcp flags:... token:...`).
 */
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';

/** Runs `ss ARGS` inside the namespace; throws with stderr on failure. */
export function ss(netns: string, ...args: string[]): string {
  // Thousands of sockets with -i print megabytes: beyond spawnSync's default 1 MiB buffer.
  const r = spawnSync('ip', ['netns', 'exec', netns, 'ss', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ss ${args.join(' ')} failed (${r.error?.message ?? `status ${r.status}`}): ${r.stderr}`);
  return r.stdout;
}

/** Host and port of ss's `ADDR:PORT`: brackets and `%dev` dropped, `*` kept as is, port `*` = 0. */
export function splitAddress(text: string): { address: string; port: number } {
  const i = text.lastIndexOf(':');
  let host = text.slice(0, i);
  const port = text.slice(i + 1);
  const percent = host.indexOf('%');
  if (percent >= 0) host = host.slice(0, percent);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { address: host, port: port === '*' ? 0 : Number(port) };
}

export interface SsSocket {
  state: string;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** The words after the address columns (ss -M: the indented info line). */
  details: string;
}

/** `ss -MnaiH`: socket lines, each with the info line that follows it. */
export function parseSsMptcp(output: string): SsSocket[] {
  const sockets: SsSocket[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (sockets.length) sockets[sockets.length - 1]!.details += line.trim();
      continue;
    }
    const [state, , , local, remote] = line.trim().split(/\s+/);
    sockets.push({ state: state!, local: splitAddress(local!), remote: splitAddress(remote!), details: '' });
  }
  return sockets;
}

/** `ss -tnaiOH`: one socket per line. */
export function parseSsTcp(output: string): SsSocket[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [state, , , local, remote, ...rest] = line.trim().split(/\s+/);
      return { state: state!, local: splitAddress(local!), remote: splitAddress(remote!), details: rest.join(' ') };
    });
}

/** `key:value` words of an info line; bare words (`remote_key`, `fallback`) map to ''. */
export function infoWords(details: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const word of details.split(/\s+/).filter(Boolean)) {
    const i = word.indexOf(':');
    words.set(i < 0 ? word : word.slice(0, i), i < 0 ? '' : word.slice(i + 1));
  }
  return words;
}

export interface SsSubflowInfo {
  flags: string;
  remoteToken: number;
  remoteId: number;
  token: number;
  localId: number;
  seq: bigint;
  sfseq: number;
  ssnoff: number;
  maplen: number;
}

/** The `tcp-ulp-mptcp flags:Mmec token:0000(id:0)/124cd9c7(id:0) seq:.. sfseq:.. ssnoff:.. maplen:..` part, if any. */
export function subflowInfo(details: string): SsSubflowInfo | undefined {
  const m = /tcp-ulp-mptcp flags:(\S*) token:([0-9a-f]+)\(id:(\d+)\)\/([0-9a-f]+)\(id:(\d+)\) seq:([0-9a-f]+) sfseq:([0-9a-f]+) ssnoff:([0-9a-f]+) maplen:([0-9a-f]+)/.exec(details);
  if (!m) return undefined;
  return {
    flags: m[1]!,
    remoteToken: parseInt(m[2]!, 16),
    remoteId: Number(m[3]),
    token: parseInt(m[4]!, 16),
    localId: Number(m[5]),
    seq: BigInt(`0x${m[6]}`),
    sfseq: parseInt(m[7]!, 16),
    ssnoff: parseInt(m[8]!, 16),
    maplen: parseInt(m[9]!, 16),
  };
}

/**
 * Reads ours between two reads of ss until the two ss reads agree. A late ACK moves snd_una
 * between two dumps (CI once saw 5 bytes), so only a snapshot taken while nothing moved compares.
 * If the sockets never settle, the last round is returned as it is and the assertion shows why.
 */
export async function whileQuiet<O, S>(readOurs: () => O | Promise<O>, readSs: () => S, rounds = 20): Promise<{ ours: O; theirs: S }> {
  let last = { ours: await readOurs(), theirs: readSs() };
  for (let round = 0; round < rounds; round++) {
    const before = readSs();
    const ours = await readOurs();
    const theirs = readSs();
    last = { ours, theirs };
    if (isDeepStrictEqual(before, theirs)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}
