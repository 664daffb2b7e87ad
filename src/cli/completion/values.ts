/**
 * `mptcpctl __complete KIND [NETNS]`: the values the completion scripts cannot know in advance,
 * one per line: endpoint ids, interface names, connection tokens (as `connection show` prints
 * them), namespace names, event names. Hidden, and quiet by design: a completion that cannot
 * ask the kernel (no permission, no such namespace) offers nothing rather than an error.
 */
import { readdirSync } from 'node:fs';
import { tokenText } from '../output/token.js';
import { eventNames } from '../output/records/event-fields.js';

type Lister = (netns: string | undefined) => Promise<string[]>;

const listers: Record<string, Lister> = {
  async ids(netns) {
    const { MptcpPm } = await import('../../pm/client.js');
    const pm = await MptcpPm.open(netns === undefined ? {} : { netns });
    try {
      return (await pm.listEndpoints()).map((e) => String(e.id));
    } finally {
      await pm.close();
    }
  },
  async devs(netns) {
    const { listInterfaces } = await import('../../netlink/rtnl.js');
    return [...(await listInterfaces(netns === undefined ? {} : { netns })).values()];
  },
  async tokens(netns) {
    const { SockDiag } = await import('../../diag/sockdiag.js');
    const diag = SockDiag.open(netns === undefined ? {} : { netns });
    try {
      // Listeners have token 0: nothing a `token` keyword can take.
      return [...new Set((await diag.listConnections()).filter((c) => c.token !== 0).map((c) => tokenText(c.token)))];
    } finally {
      await diag.close();
    }
  },
  async netns() {
    return readdirSync('/run/netns').sort();
  },
  async events() {
    return [...eventNames.values()].map((e) => e.toLowerCase());
  },
};

/** Prints the candidates of `kind`; always exits 0. */
export async function completeValues(args: string[], write: (text: string) => void): Promise<number> {
  const [kind, netns] = args;
  const lister = kind === undefined ? undefined : listers[kind];
  if (!lister) return 0;
  try {
    const values = await lister(netns === '' ? undefined : netns);
    if (values.length) write(`${values.join('\n')}\n`);
  } catch {
    // Nothing to offer; the shell shows no candidates.
  }
  return 0;
}
