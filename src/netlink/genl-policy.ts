/**
 * A family's attribute policies as the running kernel reports them (CTRL_CMD_GETPOLICY, Linux >=
 * 5.10; per-op policies >= 6.7 for mptcp_pm): which attributes each operation accepts. Feature
 * detection reads this instead of guessing from version numbers, e.g. "does GET_ADDR take a token".
 */
import { Errno } from '../errno.js';
import { KernelError } from '../errors.js';
import type { GenericNetlink } from './genl.js';
import { decodeAttributeSet, encodeAttributeSet, type DecodedAttributes } from './attrset.js';
import { ctrlAttrSet, CtrlCommand, GENL_ID_CTRL } from '../families/nlctrl.js';

/** One attribute's policy: its NL_ATTR_TYPE_* value (see policyTypeNames). */
export interface AttributePolicy {
  type: number;
}

export interface FamilyPolicy {
  /** Policy index -> attribute type -> policy. */
  policies: Map<number, Map<number, AttributePolicy>>;
  /** Operation id -> the policy indexes of its do and dump. */
  ops: Map<number, { do?: number; dump?: number }>;
}

/** The members of an indexed array (decoded by the `ctrl-attr` set, named `[index]`) by index. */
function indexed(value: unknown): [number, DecodedAttributes][] {
  const members = (value as DecodedAttributes | undefined)?.values ?? new Map();
  return [...members].map(([name, member]) => [Number(name.slice(1, -1)), member as DecodedAttributes]);
}

/** Decodes the messages of a CTRL_CMD_GETPOLICY dump (their attributes after the genl header), by the `ctrl-attr` set. Pure. */
export function decodePolicyDump(replies: Buffer[]): FamilyPolicy {
  const policy: FamilyPolicy = { policies: new Map(), ops: new Map() };
  for (const attributes of replies) {
    const values = decodeAttributeSet(ctrlAttrSet, attributes).values;
    for (const [index, members] of indexed(values.get('policy'))) {
      const table = policy.policies.get(index) ?? new Map<number, AttributePolicy>();
      policy.policies.set(index, table);
      for (const [type, member] of indexed(members)) table.set(type, { type: (member.values.get('type') as number | undefined) ?? 0 });
    }
    for (const [op, fields] of indexed(values.get('op-policy'))) {
      const entry = policy.ops.get(op) ?? {};
      const doIndex = fields.values.get('do') as number | undefined;
      const dumpIndex = fields.values.get('dump') as number | undefined;
      if (doIndex !== undefined) entry.do = doIndex;
      if (dumpIndex !== undefined) entry.dump = dumpIndex;
      policy.ops.set(op, entry);
    }
  }
  return policy;
}

/**
 * Asks nlctrl for the policies of `familyName`. Undefined when the kernel cannot tell (before
 * 5.10 there is no GETPOLICY: EOPNOTSUPP; families without policies: ENODATA/ENOENT).
 */
export async function familyPolicy(genl: GenericNetlink, familyName: string): Promise<FamilyPolicy | undefined> {
  try {
    const replies = await genl.request({
      familyId: GENL_ID_CTRL,
      cmd: CtrlCommand.GETPOLICY,
      version: 1,
      attributes: encodeAttributeSet(ctrlAttrSet, { 'family-name': familyName }).toBuffer(),
      dump: true,
      operation: 'CTRL_CMD_GETPOLICY',
    });
    return decodePolicyDump(replies.map((r) => r.attributes));
  } catch (err) {
    const unsupported: number[] = [Errno.EOPNOTSUPP, Errno.ENOENT, 61 /* ENODATA */, Errno.EINVAL];
    if (err instanceof KernelError && unsupported.includes(err.errno)) return undefined;
    throw err;
  }
}

/** True/false when the policy says whether op `cmd` (its do, or its dump) accepts attribute `type`; undefined when unknown. */
export function opAccepts(policy: FamilyPolicy | undefined, cmd: number, type: number, which: 'do' | 'dump' = 'do'): boolean | undefined {
  const index = policy?.ops.get(cmd)?.[which];
  if (index === undefined) return undefined;
  return policy!.policies.get(index)?.has(type) ?? false;
}
