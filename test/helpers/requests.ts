/**
 * Requests the library refuses to build (values out of the ranges in src/mptcp/ranges.ts), for
 * the tests whose subject is the kernel's own refusal of them: the attribute bytes are encoded
 * straight from the attribute set, past encodeRequest's checks.
 */
import type { PmRequest } from '../../src/mptcp/codec.js';
import { encodeAttributeSet, type AttributeInput } from '../../src/netlink/attrset.js';
import { Command, requestSetOf, type CommandName } from '../../src/families/mptcp-pm.js';

/** Any request, its attributes by name as the attribute set spells them. */
export function uncheckedRequest(command: CommandName, input: AttributeInput): PmRequest {
  const cmd = Command[command];
  return { command, cmd, dump: false, attributes: encodeAttributeSet(requestSetOf(cmd), input).toBuffer() };
}

/** SET_LIMITS with any u32 values (the kernel refuses more than 8). */
export function uncheckedSetLimits(limits: { addAddrAccepted?: number; subflows?: number }): PmRequest {
  return uncheckedRequest('SET_LIMITS', { 'rcv-add-addrs': limits.addAddrAccepted, subflows: limits.subflows });
}
