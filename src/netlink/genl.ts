/**
 * Generic netlink over one socket: family resolution through nlctrl (cached), request/ack,
 * multi-part dumps (NLM_F_MULTI, NLMSG_DONE with a trailing error, NLM_F_DUMP_INTR retried),
 * multicast membership, and kernel errors decoded with their extended ACK.
 */
import { attributeName, attributePathAt, nestedSetAt, type AttributeSetSpec } from './attrset.js';
import { Errno } from '../errno.js';
import { FamilyMissingError, GroupMissingError, KernelError, PermissionError, ProtocolError } from '../errors.js';
import { dumpConsistently, exchange, type Exchange, type TraceHook } from './exchange.js';
import type { ExtendedAck } from './extack.js';
import {
  AttributeWriter,
  decodeAttributes,
  decodeGenlHeader,
  encodeGenlMessage,
  GENL_HDRLEN,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  NLMSG_HDRLEN,
  type NetlinkMessage,
  readCString,
} from './message.js';
import { CtrlAttr, CtrlCommand, CtrlGroupAttr, CtrlOpAttr, GENL_ID_CTRL } from './nlctrl.js';
import { NETLINK_GENERIC, NetlinkTransport, type TransportOptions } from './transport.js';
import { readU16LE, readU32LE, subarrayOf } from '../util/bytes.js';

export type { TraceHook };

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
  /** Used in error messages, e.g. `ADD_ADDR`. */
  operation: string;
  /** The request's top-level attribute set, to name the attribute an extack points at. */
  attributeSet?: AttributeSetSpec;
}

/** One reply message of a request: the genl cmd and the attribute bytes after the genl header. */
export interface GenlReply {
  cmd: number;
  attributes: Buffer;
}

export class GenericNetlink {
  private seq: number;
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
        attributes: new AttributeWriter().string(CtrlAttr.FAMILY_NAME, name).toBuffer(),
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
  async request(req: GenlRequest): Promise<GenlReply[]> {
    const build = (): Exchange => {
      const seq = (this.seq = (this.seq + 1) >>> 0);
      const flags = NLM_F_REQUEST | (req.dump ? NLM_F_DUMP : NLM_F_ACK);
      const message = encodeGenlMessage({ type: req.familyId, flags, seq, pid: 0 }, req.cmd, req.version, req.attributes);
      return { message, operation: req.operation, toError: (ack) => kernelError(ack, req, message), trace: this.trace };
    };
    // A do is never flagged as interrupted (only dumps are): one exchange, one async step less.
    const messages = req.dump ? await dumpConsistently(this.transport, build) : (await exchange(this.transport, build())).replies;
    return messages.map(genlReply);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

function genlReply(msg: NetlinkMessage): GenlReply {
  const { cmd } = decodeGenlHeader(msg.payload);
  return { cmd, attributes: subarrayOf(msg.payload, GENL_HDRLEN) };
}

/** Turns an error ACK into a typed error, naming the offending or missing attribute. */
export function kernelError(ack: ExtendedAck, req: GenlRequest, sent: Buffer): KernelError {
  const errno = -ack.error;
  const attrsStart = NLMSG_HDRLEN + GENL_HDRLEN;
  const attrs = subarrayOf(sent, attrsStart, readU32LE(sent, 0));
  const set = req.attributeSet;
  const details = {
    errno,
    operation: req.operation,
    message: ack.message,
    offset: ack.offset,
    attribute: set && ack.offset !== undefined ? attributePathAt(set, attrs, attrsStart, ack.offset) : undefined,
    missingAttribute: undefined as string | undefined,
  };
  if (ack.missingType !== undefined) {
    const nestPath = set && ack.missingNestOffset !== undefined ? attributePathAt(set, attrs, attrsStart, ack.missingNestOffset) : '';
    const nestSet = set && nestPath !== undefined ? nestedSetAt(set, nestPath) : undefined;
    const name = nestSet ? attributeName(nestSet, ack.missingType) : String(ack.missingType);
    details.missingAttribute = nestPath ? `${nestPath}.${name}` : name;
  }
  return errno === Errno.EPERM ? new PermissionError(details) : new KernelError(details);
}

/**
 * Decodes a CTRL_CMD_GETFAMILY reply. A direct walk rather than the generic decoder over
 * nlctrl-spec.ts's sets: it runs at every start. The operations and multicast groups are read
 * when first asked for (status, monitor): a command needs only the id, and walking the
 * attributes of those lists was a measurable part of every start (bench/README.md).
 */
export function decodeFamily(attributes: Buffer): FamilyInfo {
  let name = '';
  let id = 0;
  let version = 0;
  let hdrsize = 0;
  let maxattr = 0;
  let opsData: Buffer | undefined;
  let groupsData: Buffer | undefined;
  for (const attr of decodeAttributes(attributes)) {
    switch (attr.type) {
      case CtrlAttr.FAMILY_ID:
        id = attr.data.length >= 2 ? readU16LE(attr.data, 0) : 0;
        break;
      case CtrlAttr.FAMILY_NAME:
        name = readCString(attr.data);
        break;
      case CtrlAttr.VERSION:
        version = u32(attr.data);
        break;
      case CtrlAttr.HDRSIZE:
        hdrsize = u32(attr.data);
        break;
      case CtrlAttr.MAXATTR:
        maxattr = u32(attr.data);
        break;
      case CtrlAttr.OPS:
        opsData = attr.data;
        break;
      case CtrlAttr.MCAST_GROUPS:
        groupsData = attr.data;
        break;
      default:
        break;
    }
  }
  let ops: Map<number, number> | undefined;
  let groups: Map<string, number> | undefined;
  return {
    name,
    id,
    version,
    hdrsize,
    maxattr,
    get ops() {
      return (ops ??= decodeOps(opsData));
    },
    get groups() {
      return (groups ??= decodeGroups(groupsData));
    },
  };
}

const u32 = (b: Buffer | undefined): number => (b && b.length >= 4 ? readU32LE(b, 0) : 0);

/** CTRL_ATTR_OPS: operation id -> GENL_* flags. */
function decodeOps(data: Buffer | undefined): Map<number, number> {
  return new Map(entriesOf(data).map((fields) => [u32(fields.get(CtrlOpAttr.ID)), u32(fields.get(CtrlOpAttr.FLAGS))]));
}

/** CTRL_ATTR_MCAST_GROUPS: group name -> id. */
function decodeGroups(data: Buffer | undefined): Map<string, number> {
  return new Map(
    entriesOf(data).map((fields) => {
      const name = fields.get(CtrlGroupAttr.NAME);
      return [name ? readCString(name) : '', u32(fields.get(CtrlGroupAttr.ID))];
    }),
  );
}

/** The nests of a list attribute (ops, groups), each as its fields by type; the last of a type wins. */
function entriesOf(data: Buffer | undefined): Map<number, Buffer>[] {
  return data ? decodeAttributes(data).map((entry) => new Map(decodeAttributes(entry.data).map((field) => [field.type, field.data]))) : [];
}
