/**
 * The generic netlink controller (`nlctrl`, family id 0x10) as data, from
 * include/uapi/linux/genetlink.h and netlink.h (policy dumps): what resolving a family by name
 * needs, and its attribute sets for policies and traces. Defining the sets costs nothing at start:
 * they are compiled when first decoded.
 */
import { defineArraySet, defineAttributeSet, ofKind, type AttributeSetSpec } from '../netlink/attrset.js';
import { defineFlags, namesOf, numbered } from '../netlink/describe.js';

export const GENL_ID_CTRL = 0x10;

export const CtrlCommand = numbered(1, [
  'NEWFAMILY',
  'DELFAMILY',
  'GETFAMILY',
  'NEWOPS',
  'DELOPS',
  'GETOPS',
  'NEWMCAST_GRP',
  'DELMCAST_GRP',
  'GETMCAST_GRP',
  'GETPOLICY',
] as const);

export const ctrlCommandNames = namesOf(CtrlCommand, 'CTRL_CMD_');

/** GENL_* op flags as CTRL_ATTR_OP_FLAGS reports them. */
export const OpFlag = {
  ADMIN_PERM: 0x01,
  CMD_CAP_DO: 0x02,
  CMD_CAP_DUMP: 0x04,
  CMD_CAP_HASPOL: 0x08,
  UNS_ADMIN_PERM: 0x10,
} as const;

/** The same bits by the short names status and traces print (`DO|DUMP|HASPOL`). */
export const opFlags = defineFlags({
  ADMIN: OpFlag.ADMIN_PERM,
  DO: OpFlag.CMD_CAP_DO,
  DUMP: OpFlag.CMD_CAP_DUMP,
  HASPOL: OpFlag.CMD_CAP_HASPOL,
  UNS_ADMIN: OpFlag.UNS_ADMIN_PERM,
});

/** Op flag bits by name (`DO|DUMP|HASPOL`), unknown bits as `0x..`. */
export function opFlagNames(flags: number): string[] {
  const rest = flags & ~opFlags.mask;
  return [...opFlags.words(flags), ...(rest ? [`0x${rest.toString(16)}`] : [])];
}

/** `enum netlink_attribute_type` (NL_POLICY_TYPE_ATTR_TYPE values), numbered from 0. */
export const policyTypeNames = namesOf(
  numbered(0, ['invalid', 'flag', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'binary', 'string', 'nul-string', 'nested', 'nested-array', 'bitfield32', 'sint', 'uint']),
);

/** CTRL_ATTR_OP_*: the members of one entry of CTRL_ATTR_OPS. */
export const ctrlOpSet = defineAttributeSet('ctrl-op', [
  { id: 1, name: 'op-id', kind: 'u32', hint: 'op-id' },
  { id: 2, name: 'op-flags', kind: 'u32', hint: { flags: opFlags } },
]);

/** CTRL_ATTR_MCAST_GRP_*: the members of one entry of CTRL_ATTR_MCAST_GROUPS. */
export const ctrlGroupSet = defineAttributeSet('ctrl-mcast-group', [
  { id: 1, name: 'name', kind: 'string' },
  { id: 2, name: 'id', kind: 'u32' },
]);

/** NL_POLICY_TYPE_ATTR_*: one attribute's policy. */
export const policyTypeSet = defineAttributeSet('policy-attr', [
  { id: 1, name: 'type', kind: 'u32', hint: { names: policyTypeNames, unknown: 'unknown' } },
  ...ofKind('u64', { 'min-value-s': 2, 'max-value-s': 3, 'min-value-u': 4, 'max-value-u': 5, mask: 12 }),
  ...ofKind('u32', { 'min-length': 6, 'max-length': 7, 'policy-idx': 8, 'policy-maxtype': 9, 'bitfield32-mask': 10 }),
  { id: 11, name: 'pad', kind: 'pad' },
]);

/** CTRL_ATTR_OP_POLICY entries: an op's do and dump policy indexes. */
export const opPolicySet = defineAttributeSet('op-policy', [
  { id: 1, name: 'do', kind: 'u32' },
  { id: 2, name: 'dump', kind: 'u32' },
]);

/** One policy: attribute type -> its policy. */
const policyAttrs = defineArraySet('policy', { kind: 'nest', nested: () => policyTypeSet });
const ops = defineArraySet('ops', { kind: 'nest', nested: () => ctrlOpSet });
const groups = defineArraySet('mcast-groups', { kind: 'nest', nested: () => ctrlGroupSet });
/** Policy index -> policy. */
const policies = defineArraySet('policies', { kind: 'nest', nested: () => policyAttrs });
/** Op id -> its do/dump policy indexes. */
const opPolicies = defineArraySet('op-policies', { kind: 'nest', nested: () => opPolicySet });

export const ctrlAttrSet: AttributeSetSpec = defineAttributeSet('ctrl-attr', [
  { id: 1, name: 'family-id', kind: 'u16', hint: 'hex' },
  { id: 2, name: 'family-name', kind: 'string' },
  { id: 3, name: 'version', kind: 'u32' },
  { id: 4, name: 'hdrsize', kind: 'u32' },
  { id: 5, name: 'maxattr', kind: 'u32' },
  { id: 6, name: 'ops', kind: 'nest', nested: () => ops },
  { id: 7, name: 'mcast-groups', kind: 'nest', nested: () => groups },
  { id: 8, name: 'policy', kind: 'nest', nested: () => policies },
  { id: 9, name: 'op-policy', kind: 'nest', nested: () => opPolicies },
  { id: 10, name: 'op', kind: 'u32' },
]);
