/**
 * Generic netlink over one socket: family resolution through nlctrl (cached), request/ack,
 * multi-part dumps (NLM_F_MULTI, NLMSG_DONE with a trailing error, NLM_F_DUMP_INTR retried),
 * multicast membership, and kernel errors decoded with their extended ACK.
 */
import { Errno } from '../errno.js';
import { FamilyMissingError, GroupMissingError, KernelError, PermissionError, ProtocolError } from '../errors.js';
import { attributeByName, decodeAttributeSet, encodeAttributeSet, extackNames, type AttributeSetSpec, type AttributeValue, type DecodedAttributes } from './attrset.js';
import { dumpConsistently, exchangeNow, type Exchange, type ReplyReader, type TraceHook } from './exchange.js';
import type { ExtendedAck } from './extack.js';
import { decodeGenlMessageAt, encodeGenlMessage, GENL_HDRLEN, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_HDRLEN, type GenlMessage } from './message.js';
import { ctrlAttrSet, CtrlCommand, GENL_ID_CTRL } from '../families/nlctrl.js';
import { NETLINK_GENERIC, NetlinkTransport, type TransportOptions } from './transport.js';
import { readU16LE, readU32LE, subarrayOf, writeU32LE } from '../util/bytes.js';

export type { ReplyReader, TraceHook };

/** What nlctrl says about a family. */
export interface FamilyInfo {
  name: string;
  id: number;
  version: number;
  hdrsize: number;
  maxattr: number;
  /** Operation id -> GENL_* op flags. */
  ops: ReadonlyMap<number, number>;
  /** Multicast group name -> group id. */
  groups: ReadonlyMap<string, number>;
}

/** A request to a generic netlink family. */
export interface GenlRequest {
  familyId: number;
  cmd: number;
  version: number;
  /** Encoded top-level attributes. */
  attributes: Buffer;
  dump?: boolean;
  /**
   * A do whose answer is a reply: sent without NLM_F_ACK, and done when the reply came, as ip
   * does (a system call less per request). An error is answered all the same.
   */
  replied?: boolean;
  /** Used in error messages, e.g. `ADD_ADDR`. */
  operation: string;
  /** The request's top-level attribute set, to name the attribute an extack points at. */
  attributeSet?: AttributeSetSpec;
}

/** One reply message of a request: its genl header's cmd and version, and the attribute bytes after it (decodeGenlMessageAt). */
export type GenlReply = GenlMessage;

export class GenericNetlink {
  private seq: number;
  /** The last request without attributes that was sent (messageFor). */
  private lastBare: Buffer | undefined;
  private readonly families = new Map<string, FamilyInfo>();
  /** Set by the owner to see the raw traffic (e.g. `--debug`). */
  trace: TraceHook | undefined;

  private constructor(readonly transport: NetlinkTransport) {
    // Start from the clock like iproute2 does, so stale replies of an earlier process never match.
    this.seq = Math.floor(Date.now() / 1000) >>> 0;
  }

  static open(options: TransportOptions = {}): GenericNetlink {
    return new GenericNetlink(NetlinkTransport.open(NETLINK_GENERIC, options));
  }

  /** Resolves a family by name (cached on this socket). Throws FamilyMissingError if unknown. */
  async family(name: string): Promise<FamilyInfo> {
    const cached = this.families.get(name);
    if (cached) return cached;
    let replies: GenlReply[];
    try {
      replies = await this.request({
        familyId: GENL_ID_CTRL,
        cmd: CtrlCommand.GETFAMILY,
        version: 1,
        attributes: encodeAttributeSet(ctrlAttrSet, { 'family-name': name }).toBuffer(),
        replied: true,
        operation: 'CTRL_CMD_GETFAMILY',
      });
    } catch (err) {
      if (err instanceof KernelError && err.errno === Errno.ENOENT) throw new FamilyMissingError(name);
      throw err;
    }
    const reply = replies[0];
    if (!reply) throw new ProtocolError(`nlctrl sent no description of family ${name}`);
    const info = decodeFamily(reply.attributes);
    this.families.set(name, info);
    return info;
  }

  /** Joins a multicast group of a family already resolved (on any socket of the namespace). */
  joinGroup(family: FamilyInfo, group: string, missingHint: string): void {
    const id = family.groups.get(group);
    if (id === undefined) throw new GroupMissingError(family.name, group, missingHint);
    this.transport.addMembership(id);
  }

  /**
   * Sends a request and collects its replies: for a do, every message before the ACK; for a
   * dump, every part until NLMSG_DONE (restarted if the kernel flags it as interrupted).
   */
  request(req: GenlRequest): Promise<GenlReply[]> {
    try {
      const replies = this.requestNow(req);
      return replies instanceof Promise ? replies : Promise.resolve(replies);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The same, without a promise when the kernel answered within the send (a do mostly is): for
   * callers that make many requests (batch lines, a library's loop). Errors are thrown.
   */
  requestNow(req: GenlRequest): GenlReply[] | Promise<GenlReply[]>;
  /**
   * With `readReply`, each reply is that function's value, read where the reply was received: it
   * must keep nothing of the datagram (decode into values of its own), which spares a copy.
   */
  requestNow<R>(req: GenlRequest, readReply: ReplyReader<R>): R[] | Promise<R[]>;
  requestNow(req: GenlRequest, readReply?: ReplyReader<unknown>): unknown[] | Promise<unknown[]> {
    const build = (): Exchange<unknown> => {
      const seq = (this.seq = (this.seq + 1) >>> 0);
      const flags = NLM_F_REQUEST | (req.dump ? NLM_F_DUMP : req.replied ? 0 : NLM_F_ACK);
      const message = this.messageFor(req, flags, seq);
      return {
        message,
        operation: req.operation,
        toError: (ack) => kernelError(ack, req, message),
        trace: this.trace,
        readReply: readReply ?? decodeGenlMessageAt,
        readsOut: readReply !== undefined,
        endsWithReply: !req.dump && req.replied === true,
      };
    };
    if (req.dump) return dumpConsistently(this.transport, build);
    // A do is never flagged as interrupted (only dumps are): one exchange.
    const answered = exchangeNow(this.transport, build());
    return answered instanceof Promise ? answered.then((result) => result.replies) : answered.replies;
  }

  /**
   * The request's message with sequence number `seq`. A request without attributes (GET_LIMITS,
   * FLUSH_ADDRS) made like the one before it is that message again, its sequence number
   * rewritten: in a loop of them, each new Buffer was a measurable part of a round trip. Nothing
   * reads a sent message's sequence number later (an exchange reads it as it starts), and such
   * a message has no attributes for an error to name, so the rewrite changes nothing for an
   * exchange still waiting. Not with a trace, which may keep what it is shown.
   */
  private messageFor(req: GenlRequest, flags: number, seq: number): Buffer {
    const last = this.lastBare;
    if (req.attributes.length !== 0 || this.trace) return encodeGenlMessage({ type: req.familyId, flags, seq, pid: 0 }, req.cmd, req.version, req.attributes);
    if (last && readU16LE(last, 4) === req.familyId && readU16LE(last, 6) === flags && last[NLMSG_HDRLEN] === req.cmd && last[NLMSG_HDRLEN + 1] === req.version) {
      writeU32LE(last, seq, 8);
      return last;
    }
    return (this.lastBare = encodeGenlMessage({ type: req.familyId, flags, seq, pid: 0 }, req.cmd, req.version, req.attributes));
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** Turns an error ACK into a typed error, naming the offending or missing attribute. */
export function kernelError(ack: ExtendedAck, req: GenlRequest, sent: Buffer): KernelError {
  const errno = -ack.error;
  const attrsStart = NLMSG_HDRLEN + GENL_HDRLEN;
  const set = req.attributeSet;
  const names = extackNames(set, subarrayOf(sent, attrsStart, readU32LE(sent, 0)), attrsStart, ack);
  const details = {
    errno,
    operation: req.operation,
    message: ack.message,
    offset: ack.offset,
    attribute: set ? names.attribute : undefined,
    missingAttribute: ack.missingType === undefined ? undefined : set ? names.missingAttribute : String(ack.missingType),
  };
  return errno === Errno.EPERM ? new PermissionError(details) : new KernelError(details);
}

/**
 * Decodes a CTRL_CMD_GETFAMILY reply, by the `ctrl-attr` set. It runs at every start, so the
 * operations and multicast groups stay bytes until first asked for (status,
 * monitor): a command needs only the id.
 */
export function decodeFamily(attributes: Buffer): FamilyInfo {
  const v = decodeAttributeSet(ctrlAttrSet, attributes, true).values;
  const num = (name: string): number => (v.get(name) as number | undefined) ?? 0;
  let ops: Map<number, number> | undefined;
  let groups: Map<string, number> | undefined;
  return {
    name: (v.get('family-name') as string | undefined) ?? '',
    id: num('family-id'),
    version: num('version'),
    hdrsize: num('hdrsize'),
    maxattr: num('maxattr'),
    get ops() {
      return (ops ??= new Map(entriesOf(v, 'ops').map((op) => [field(op, 'op-id'), field(op, 'op-flags')])));
    },
    get groups() {
      return (groups ??= new Map(entriesOf(v, 'mcast-groups').map((group) => [(group.values.get('name') as string | undefined) ?? '', field(group, 'id')])));
    },
  };
}

const field = (entry: DecodedAttributes, name: string): number => (entry.values.get(name) as number | undefined) ?? 0;

/** The entries of a list attribute (ops, groups) that decodeFamily kept as bytes. */
function entriesOf(values: Map<string, AttributeValue>, name: string): DecodedAttributes[] {
  const data = values.get(name);
  if (!(data instanceof Uint8Array)) return [];
  return [...decodeAttributeSet(attributeByName(ctrlAttrSet, name)!.nested!(), data as Buffer).values.values()] as DecodedAttributes[];
}
