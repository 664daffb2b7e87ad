/**
 * Typed errors of every layer. Nothing here decides messages for a terminal or exit codes:
 * the CLI's entry point maps these to one stderr line and an exit status, in one place.
 */
import { errnoDescription, errnoName } from './errno.js';

/** Base class: everything this package throws on purpose is an MptcpctlError. */
export abstract class MptcpctlError extends Error {}

/**
 * The user's input is wrong (bad argument, unknown keyword, a number out of range). Nothing was
 * sent to the kernel. Thrown by the library's methods before encoding, as by the CLI's grammar.
 */
export class UsageError extends MptcpctlError {
  override readonly name = 'UsageError';
  /** Always `ERR_MPTCPCTL_USAGE`, for programs that test codes rather than classes. */
  readonly code = 'ERR_MPTCPCTL_USAGE';
  constructor(
    message: string,
    /** The argument refused, by the library's name for it (e.g. `id`, `limits.subflows`), when one is to blame. */
    readonly argument?: string,
  ) {
    super(message);
  }
}

/** The MptcpPm was closed: its requests cannot be sent any more (its event iterators just end). */
export class ClosedError extends MptcpctlError {
  override readonly name = 'ClosedError';
  /** Always `ERR_MPTCPCTL_CLOSED`. */
  readonly code = 'ERR_MPTCPCTL_CLOSED';
}

/** Details of a kernel refusal, from the NLMSG_ERROR and its extended ACK. */
export interface KernelErrorDetails {
  /** Positive errno, e.g. 22 for EINVAL. */
  errno: number;
  /** What was asked, e.g. `ADD_ADDR`. */
  operation: string;
  /** The kernel's extack message, verbatim, if it sent one. */
  message?: string;
  /** Byte offset of the offending attribute in the request, from the start of the nlmsghdr. */
  offset?: number;
  /** The offending attribute's path by name, e.g. `addr.port`, when the offset could be mapped. */
  attribute?: string;
  /** The attribute the kernel said is missing, by name where known (else its number). */
  missingAttribute?: string;
}

/** The kernel refused a request. */
export class KernelError extends MptcpctlError {
  override readonly name: string = 'KernelError';
  readonly errno: number;
  readonly errnoName: string;
  readonly operation: string;
  readonly extackMessage: string | undefined;
  readonly offset: number | undefined;
  readonly attribute: string | undefined;
  readonly missingAttribute: string | undefined;

  constructor(details: KernelErrorDetails) {
    super(KernelError.describe(details));
    this.errno = details.errno;
    this.errnoName = errnoName(details.errno);
    this.operation = details.operation;
    this.extackMessage = details.message;
    this.offset = details.offset;
    this.attribute = details.attribute;
    this.missingAttribute = details.missingAttribute;
  }

  private static describe(d: KernelErrorDetails): string {
    const name = errnoName(d.errno);
    const parts: string[] = [];
    if (d.message) parts.push(d.message);
    else if (d.missingAttribute) parts.push(`missing attribute ${d.missingAttribute}`);
    else parts.push(errnoDescription(d.errno) ?? 'refused');
    if (d.attribute) parts.push(`(attribute ${d.attribute})`);
    return `${parts.join(' ')} [${name}]`;
  }
}

/** EPERM from the kernel: the operation needs CAP_NET_ADMIN in the namespace's user namespace. */
export class PermissionError extends KernelError {
  override readonly name = 'PermissionError';
}

/** A system call failed outside any kernel reply (socket, bind, setsockopt, setns...). */
export class SystemError extends MptcpctlError {
  override readonly name = 'SystemError';
  readonly errnoName: string;
  constructor(
    readonly syscall: string,
    readonly errno: number,
    context?: string,
  ) {
    super(`${syscall}${context ? ` (${context})` : ''}: ${errnoDescription(errno) ?? 'failed'} [${errnoName(errno)}]`);
    this.errnoName = errnoName(errno);
  }
}

/** The generic netlink family (e.g. mptcp_pm) is not known to this kernel. */
export class FamilyMissingError extends MptcpctlError {
  override readonly name = 'FamilyMissingError';
  constructor(readonly family: string) {
    super(`generic netlink family "${family}" not found: this kernel has no MPTCP path manager (needs Linux >= 5.7 with CONFIG_MPTCP)`);
  }
}

/** A multicast group of the family is missing (e.g. events on kernels before 5.12). */
export class GroupMissingError extends MptcpctlError {
  override readonly name = 'GroupMissingError';
  constructor(
    readonly family: string,
    readonly group: string,
    hint: string,
  ) {
    super(`generic netlink family "${family}" has no multicast group "${group}": ${hint}`);
  }
}

/** The named network namespace cannot be used. */
export class NetnsError extends MptcpctlError {
  override readonly name = 'NetnsError';
  constructor(
    readonly netns: string,
    reason: string,
  ) {
    // Quoted as JSON: a name may hold any byte but "/" and NUL, newlines and escapes included.
    super(`network namespace ${JSON.stringify(netns)}: ${reason}`);
  }
}

/** No reply came within the bounded wait. */
export class TimeoutError extends MptcpctlError {
  override readonly name = 'TimeoutError';
}

/** The kernel's reply did not make sense (corrupt or unexpected bytes). */
export class ProtocolError extends MptcpctlError {
  override readonly name = 'ProtocolError';
}

/** What was asked for does not exist (e.g. no connection with that token). */
export class NotFoundError extends MptcpctlError {
  override readonly name = 'NotFoundError';
}
