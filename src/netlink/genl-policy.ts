/**
 * A family's attribute policies as the running kernel reports them (CTRL_CMD_GETPOLICY, Linux >=
 * 5.10; per-op policies >= 6.7 for mptcp_pm): which attributes each operation accepts. Feature
 * detection reads this instead of guessing from version numbers, e.g. "does GET_ADDR take a token".
 */
import { Errno } from '../errno.js';
import { KernelError } from '../errors.js';
import type { GenericNetlink } from './genl.js';
import { AttributeWriter, decodeAttributes } from './message.js';
import { CtrlAttr, CtrlCommand, GENL_ID_CTRL } from './nlctrl.js';
import { readU32LE } from '../util/bytes.js';

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

/** Decodes the messages of a CTRL_CMD_GETPOLICY dump (their attributes after the genl header). Pure. */
export function decodePolicyDump(replies: Buffer[]): FamilyPolicy {
  const policy: FamilyPolicy = { policies: new Map(), ops: new Map() };
  for (const attributes of replies) {
    for (const attr of decodeAttributes(attributes)) {
      if (attr.type === CtrlAttr.POLICY) {
        for (const index of decodeAttributes(attr.data)) {
          const table = policy.policies.get(index.type) ?? new Map<number, AttributePolicy>();
          policy.policies.set(index.type, table);
          for (const member of decodeAttributes(index.data)) {
            let type = 0;
            for (const field of decodeAttributes(member.data)) if (field.type === 1 && field.data.length >= 4) type = readU32LE(field.data, 0);
            table.set(member.type, { type });
          }
        }
      } else if (attr.type === CtrlAttr.OP_POLICY) {
        for (const op of decodeAttributes(attr.data)) {
          const entry = policy.ops.get(op.type) ?? {};
          for (const field of decodeAttributes(op.data)) {
            if (field.data.length < 4) continue;
            if (field.type === 1) entry.do = readU32LE(field.data, 0);
            if (field.type === 2) entry.dump = readU32LE(field.data, 0);
          }
          policy.ops.set(op.type, entry);
        }
      }
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
      attributes: new AttributeWriter().string(CtrlAttr.FAMILY_NAME, familyName).toBuffer(),
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
