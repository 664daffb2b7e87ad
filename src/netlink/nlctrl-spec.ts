/**
 * The generic netlink controller (`nlctrl`, family id 0x10) as data: its attribute sets and names,
 * from include/uapi/linux/genetlink.h and netlink.h (policy dumps). Used to decode
 * CTRL_CMD_GETPOLICY replies and to name nlctrl traffic in traces. Pure. The numbers alone are
 * in nlctrl.ts: resolving a family needs only those, and building these sets at every start
 * was measurable (bench/README.md).
 */
import { defineAttributeSet, type AttributeSetSpec, type AttributeSpec } from './attrset.js';
import type { ArraySetSpec, GenlFamilySchema, TraceState } from './trace-decode.js';
import { decodeAttributes, readCString } from './message.js';
import { readU16LE } from '../util/bytes.js';
import { CtrlAttr, CtrlCommand, CtrlGroupAttr, CtrlOpAttr, OpFlag } from './nlctrl.js';

/** `enum netlink_attribute_type` (NL_POLICY_TYPE_ATTR_TYPE values). */
export const policyTypeNames: ReadonlyMap<number, string> = new Map([
  [0, 'invalid'],
  [1, 'flag'],
  [2, 'u8'],
  [3, 'u16'],
  [4, 'u32'],
  [5, 'u64'],
  [6, 's8'],
  [7, 's16'],
  [8, 's32'],
  [9, 's64'],
  [10, 'binary'],
  [11, 'string'],
  [12, 'nul-string'],
  [13, 'nested'],
  [14, 'nested-array'],
  [15, 'bitfield32'],
  [16, 'sint'],
  [17, 'uint'],
]);

/** An indexed array whose every member is `element` (ops, groups and policies are sent so). */
function arrayOf(name: string, element: Omit<AttributeSpec, 'id' | 'name'>): ArraySetSpec {
  return { ...defineAttributeSet(name, []), element: { id: 0, name: '', ...element } };
}

export const ctrlOpSet = defineAttributeSet('ctrl-op', [
  { id: CtrlOpAttr.ID, name: 'op-id', kind: 'u32' },
  { id: CtrlOpAttr.FLAGS, name: 'op-flags', kind: 'u32' },
]);

export const ctrlGroupSet = defineAttributeSet('ctrl-mcast-group', [
  { id: CtrlGroupAttr.NAME, name: 'name', kind: 'string' },
  { id: CtrlGroupAttr.ID, name: 'id', kind: 'u32' },
]);

/** NL_POLICY_TYPE_ATTR_*: one attribute's policy. */
export const policyTypeSet = defineAttributeSet('policy-attr', [
  { id: 1, name: 'type', kind: 'u32' },
  { id: 2, name: 'min-value-s', kind: 'u64' },
  { id: 3, name: 'max-value-s', kind: 'u64' },
  { id: 4, name: 'min-value-u', kind: 'u64' },
  { id: 5, name: 'max-value-u', kind: 'u64' },
  { id: 6, name: 'min-length', kind: 'u32' },
  { id: 7, name: 'max-length', kind: 'u32' },
  { id: 8, name: 'policy-idx', kind: 'u32' },
  { id: 9, name: 'policy-maxtype', kind: 'u32' },
  { id: 10, name: 'bitfield32-mask', kind: 'u32' },
  { id: 11, name: 'pad', kind: 'pad' },
  { id: 12, name: 'mask', kind: 'u64' },
]);

export const opPolicySet = defineAttributeSet('op-policy', [
  { id: 1, name: 'do', kind: 'u32' },
  { id: 2, name: 'dump', kind: 'u32' },
]);

/** One policy: attribute type -> its policy. */
const policyAttrs = arrayOf('policy', { kind: 'nest', nested: () => policyTypeSet });
/** CTRL_ATTR_POLICY: policy index -> policy. */
const policies = arrayOf('policies', { kind: 'nest', nested: () => policyAttrs });
/** CTRL_ATTR_OP_POLICY: op id -> its do/dump policy indexes. */
const opPolicies = arrayOf('op-policies', { kind: 'nest', nested: () => opPolicySet });

export const ctrlAttrSet: AttributeSetSpec = defineAttributeSet('ctrl-attr', [
  { id: CtrlAttr.FAMILY_ID, name: 'family-id', kind: 'u16' },
  { id: CtrlAttr.FAMILY_NAME, name: 'family-name', kind: 'string' },
  { id: CtrlAttr.VERSION, name: 'version', kind: 'u32' },
  { id: CtrlAttr.HDRSIZE, name: 'hdrsize', kind: 'u32' },
  { id: CtrlAttr.MAXATTR, name: 'maxattr', kind: 'u32' },
  { id: CtrlAttr.OPS, name: 'ops', kind: 'nest', nested: () => arrayOf('ops', { kind: 'nest', nested: () => ctrlOpSet }) },
  { id: CtrlAttr.MCAST_GROUPS, name: 'mcast-groups', kind: 'nest', nested: () => arrayOf('mcast-groups', { kind: 'nest', nested: () => ctrlGroupSet }) },
  { id: CtrlAttr.POLICY, name: 'policy', kind: 'nest', nested: () => policies },
  { id: CtrlAttr.OP_POLICY, name: 'op-policy', kind: 'nest', nested: () => opPolicies },
  { id: CtrlAttr.OP, name: 'op', kind: 'u32' },
]);

export const ctrlCommandNames: ReadonlyMap<number, string> = new Map(Object.entries(CtrlCommand).map(([name, id]) => [id, `CTRL_CMD_${name}`]));

/** Op flag bits by name (`DO|DUMP|HASPOL`). */
export function opFlagNames(flags: number): string[] {
  const names: string[] = [];
  const short: Record<keyof typeof OpFlag, string> = { ADMIN_PERM: 'ADMIN', CMD_CAP_DO: 'DO', CMD_CAP_DUMP: 'DUMP', CMD_CAP_HASPOL: 'HASPOL', UNS_ADMIN_PERM: 'UNS_ADMIN' };
  for (const [name, bit] of Object.entries(OpFlag)) if (flags & bit) names.push(short[name as keyof typeof OpFlag]);
  const rest = flags & ~0x1f;
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names;
}

/** nlctrl for traces: every message uses ctrl-attr; NEWFAMILY replies teach the trace a family's id. */
export const nlctrlTraceSchema: GenlFamilySchema = {
  name: 'nlctrl',
  commands: ctrlCommandNames,
  attributes: () => ctrlAttrSet,
  learn(attributes: Buffer, state: TraceState): void {
    let id: number | undefined;
    let name: string | undefined;
    for (const attr of decodeAttributes(attributes)) {
      if (attr.type === CtrlAttr.FAMILY_ID && attr.data.length >= 2) id = readU16LE(attr.data, 0);
      if (attr.type === CtrlAttr.FAMILY_NAME) name = readCString(attr.data);
    }
    // A GETFAMILY request carries only the name; the reply carries both.
    if (id !== undefined && name !== undefined) state.familyIds.set(id, name);
  },
};
