/**
 * What `--debug` knows about the messages mptcpctl sends and receives, all from the family
 * descriptions (src/families/): mptcp_pm, nlctrl, rtnetlink links, addresses and routes, and
 * sock_diag (inet_diag and netlink_diag). Values the user thinks of as addresses, flags, tokens
 * or errno names are shown that way by their display hints, after the plain number, so the bytes
 * stay checkable.
 */
import { tokenText } from '../output/token.js';
import { errnoName } from '../../errno.js';
import { decodeAttributeSet } from '../../netlink/attrset.js';
import type { DisplayHint } from '../../netlink/describe.js';
import { groupsOf } from '../../netlink/describe.js';
import type { GenlFamilySchema, HintText, TraceSchema, TraceState } from '../../netlink/trace-decode.js';
import { NETLINK_GENERIC, NETLINK_ROUTE, NETLINK_SOCK_DIAG } from '../../netlink/transport.js';
import { addressFamilyNames, AF_INET, AF_INET6 } from '../../families/address-family.js';
import { attrSet, commandNames, FAMILY_NAME, requestSetOf } from '../../families/mptcp-pm.js';
import { ctrlAttrSet, ctrlCommandNames } from '../../families/nlctrl.js';
import { rtnlMessages } from '../../families/rtnl.js';
import { sockDiagLayout } from '../../families/sock-diag.js';
import { formatIPv4, formatIPv6 } from '../../util/inet.js';

const mptcpPm: GenlFamilySchema = {
  name: FAMILY_NAME,
  commands: commandNames,
  // Replies (GET_ADDR, GET_LIMITS) use the `attr` set; requests the set of their operation.
  attributes: (cmd, direction) => (direction === 'send' ? requestSetOf(cmd) : attrSet),
};

/** nlctrl: every message uses ctrl-attr; NEWFAMILY replies teach the trace a family's id. */
const nlctrl: GenlFamilySchema = {
  name: 'nlctrl',
  commands: ctrlCommandNames,
  attributes: () => ctrlAttrSet,
  learn(attributes: Buffer, state: TraceState): void {
    const values = decodeAttributeSet(ctrlAttrSet, attributes, true).values;
    const id = values.get('family-id');
    const name = values.get('family-name');
    // A GETFAMILY request carries only the name; the reply carries both.
    if (typeof id === 'number' && typeof name === 'string') state.familyIds.set(id, name);
  },
};

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const inet = (bytes: Uint8Array): string | undefined => (bytes.length === 4 ? formatIPv4(bytes) : bytes.length === 16 ? formatIPv6(bytes) : undefined);

/** The display hints as text. */
const hints: HintText = {
  attribute(hint: DisplayHint, data: Buffer, value: number | bigint | undefined): string | undefined {
    const n = Number(value);
    if (typeof hint === 'object') return 'flags' in hint ? hint.flags.describe(n) : (hint.names.get(n) ?? hint.unknown);
    switch (hint) {
      case 'ipv4':
        return data.length === 4 ? formatIPv4(data) : undefined;
      case 'ipv6':
        return data.length === 16 ? formatIPv6(data) : undefined;
      case 'inet':
        return inet(data);
      case 'address-family':
        return addressFamilyNames.get(n);
      case 'hex':
        return hex(n);
      case 'errno':
        return errnoName(n);
      case 'groups':
        return `groups ${groupsOf(data).join(',') || 'none'}`;
      case 'token':
        return `token ${tokenText(n)}`;
      case 'op-id':
        return commandNames.has(n) ? `${FAMILY_NAME}: ${commandNames.get(n)}` : undefined;
    }
  },
  field(hint, value, fields) {
    if (value instanceof Uint8Array) {
      // Socket addresses: 16 bytes whatever the family; IPv4 uses the first 4.
      const family = fields['family'];
      return family === AF_INET ? formatIPv4(value.subarray(0, 4)) : family === AF_INET6 ? formatIPv6(value) : undefined;
    }
    if (hint === 'hex') return hex(value);
    const name = hint === 'address-family' ? addressFamilyNames.get(Number(value)) : undefined;
    return name === undefined ? undefined : `${value} (${name})`;
  },
};

/** The schema `--debug` decodes with. */
export const traceSchema: TraceSchema = {
  protocols: new Map([
    [NETLINK_GENERIC, { name: 'generic', genl: true }],
    [NETLINK_ROUTE, { name: 'route', layout: (type: number) => rtnlMessages.get(type) }],
    [NETLINK_SOCK_DIAG, { name: 'sock_diag', layout: sockDiagLayout }],
  ]),
  families: new Map([
    ['nlctrl', nlctrl],
    [FAMILY_NAME, mptcpPm],
  ]),
  hints,
};
