/**
 * A namespace's state as a desired-state file that `apply` reproduces exactly: limits, every
 * writable net.mptcp.* setting, every endpoint with its id, device, port and flags, and
 * `unlisted: remove`. The kernel's own implicit endpoints are left out (they cannot be added).
 */
import { Document, isPair, isScalar, visit } from 'yaml';
import { AddressFlag } from '../families/mptcp-pm.js';
import type { ObservedState } from './model.js';
import { flagNames } from './render.js';
import { writableSysctlKeys } from './state.js';

/** The file as data (what `config show --json` prints). */
export function stateFile(state: ObservedState): Record<string, unknown> {
  const nameOf = (index: number): string => state.links.find((l) => l.index === index)?.name ?? `if${index}`;
  const sysctl: Record<string, string | number> = {};
  const keys = writableSysctlKeys(state.sysctl);
  // path_manager (Linux >= 6.15) and pm_type are two views of one setting: write the newer.
  if (keys.has('path_manager')) keys.delete('pm_type');
  for (const key of [...keys].sort()) {
    const value = state.sysctl.get(key)!;
    sysctl[key] = /^(0|[1-9][0-9]{0,14})$/.test(value) ? Number(value) : value;
  }
  const endpoints = state.endpoints
    .filter((e) => !(e.flags & AddressFlag.implicit))
    .map((e) => {
      const out: Record<string, unknown> = { address: e.address, id: e.id };
      if (e.ifindex) out['dev'] = nameOf(e.ifindex);
      if (e.port) out['port'] = e.port;
      out['flags'] = flagNames(e.flags);
      return out;
    });
  return { limits: { subflows: state.limits.subflows, add_addr_accepted: state.limits.addAddrAccepted }, sysctl, endpoints, unlisted: 'remove' };
}

/** The file as YAML text, flag lists in flow style (`flags: [signal]`). */
export function stateYaml(file: Record<string, unknown>): string {
  const doc = new Document(file);
  visit(doc, {
    Seq(_key, node, path) {
      const parent = path[path.length - 1];
      if (isPair(parent) && isScalar(parent.key) && (parent.key.value === 'flags' || parent.key.value === 'interfaces')) node.flow = true;
      else if (!node.items.length) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
