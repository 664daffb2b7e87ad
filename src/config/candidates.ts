/**
 * What the rules make of the interfaces' addresses (pure): the candidate endpoints in rule
 * order, and the addresses a rule looked at but would not use, with why (tentative, ULA, ...).
 */
import { AF_INET6 } from '../families/mptcp-pm.js';
import type { InterfaceAddress } from '../netlink/rtnl-addr.js';
import type { LinkInfo } from '../netlink/rtnl-link.js';
import { IFF_RUNNING, IFF_UP } from '../families/rtnl.js';
import type { Rule } from './model.js';

/** IFA_F_* bits (IFA_F_TEMPORARY is IFA_F_SECONDARY's bit: temporary only means so for IPv6). */
export const IFA_F_TEMPORARY = 0x01;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_TENTATIVE = 0x40;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_LINK = 253;

export interface Candidate {
  address: string;
  family: 4 | 6;
  ifindex: number;
  dev: string;
  flags: number;
  rule: Rule;
}

/** An address a rule would match but does not use (link-local and host addresses are not worth a line). */
export interface Skip {
  address: string;
  dev: string;
  reason: string;
  rule: number;
}

/** A glob (`*`, `?`, `[...]`) as an anchored regular expression. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[' && glob.indexOf(']', i + 2) > i) {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\[\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const isUla = (a: InterfaceAddress): boolean => a.family === AF_INET6 && /^f[cd]/i.test(a.address);

/** Why `rule` does not use `address` on an interface it matches; undefined when it does. */
export function refusal(rule: Rule, address: InterfaceAddress, link: LinkInfo): string | undefined {
  if (rule.link === 'up' && (link.flags & (IFF_UP | IFF_RUNNING)) !== (IFF_UP | IFF_RUNNING)) return `${link.flags & IFF_UP ? 'no carrier' : 'link down'}`;
  if (address.flags & IFA_F_DADFAILED) return 'duplicate address (DAD failed)';
  if (address.scope !== RT_SCOPE_UNIVERSE && address.scope !== RT_SCOPE_LINK) return address.scope === 254 ? 'host scope' : `scope ${address.scope}`;
  if (address.scope === RT_SCOPE_LINK && rule.scope === 'global') return 'link-local';
  if (address.scope === RT_SCOPE_UNIVERSE && rule.scope === 'link') return 'global scope (rule wants link-local)';
  if (!rule.tentative && address.flags & IFA_F_TENTATIVE) return 'tentative (DAD not finished)';
  if (address.family === AF_INET6) {
    if (!rule.temporary && address.flags & IFA_F_TEMPORARY) return 'temporary';
    if (!rule.ula && isUla(address)) return 'ULA';
  }
  if (!rule.deprecated && address.flags & IFA_F_DEPRECATED) return 'deprecated';
  return undefined;
}

/**
 * The rules' candidates, in the order they get endpoint slots: rule by rule, then by which of
 * the rule's patterns the interface matched first, interface index, IPv4 before IPv6, and the
 * kernel's address order. An address goes to the first rule that takes it; `claimed` addresses
 * (given in the endpoints list) are nobody's.
 */
export function ruleCandidates(rules: readonly Rule[], links: readonly LinkInfo[], addresses: readonly InterfaceAddress[], claimed: ReadonlySet<string>): { candidates: Candidate[]; skipped: Skip[] } {
  const candidates: Candidate[] = [];
  const skips = new Map<string, Skip>();
  const taken = new Set(claimed);
  const linkOf = new Map(links.map((l) => [l.index, l]));
  for (const rule of rules) {
    const patterns = rule.interfaces.map(globPattern);
    const ranked: { rank: number; address: InterfaceAddress; link: LinkInfo; order: number }[] = [];
    addresses.forEach((address, order) => {
      const link = linkOf.get(address.ifindex);
      if (!link) return;
      const rank = patterns.findIndex((p) => p.test(link.name));
      if (rank < 0) return;
      if (rule.family === 'ipv4' && address.family === AF_INET6) return;
      if (rule.family === 'ipv6' && address.family !== AF_INET6) return;
      ranked.push({ rank, address, link, order });
    });
    ranked.sort((a, b) => a.rank - b.rank || a.link.index - b.link.index || a.address.family - b.address.family || a.order - b.order);
    for (const { address, link } of ranked) {
      if (taken.has(address.address)) continue;
      const why = refusal(rule, address, link);
      if (why === 'link-local' || why === 'host scope') continue;
      if (why) {
        if (!skips.has(address.address)) skips.set(address.address, { address: address.address, dev: link.name, reason: why, rule: rule.number });
        continue;
      }
      taken.add(address.address);
      skips.delete(address.address);
      candidates.push({ address: address.address, family: address.family === AF_INET6 ? 6 : 4, ifindex: link.index, dev: link.name, flags: rule.flags, rule });
    }
  }
  return { candidates, skipped: [...skips.values()] };
}
