/**
 * For fake transports in unit tests: NetlinkTransport's receiveInPlace and `received`, made from
 * the fake's own receiveNow, so a fake scripts its datagrams in one place.
 */
import { RECEIVED_NOTHING, RECEIVED_OVERRUN, type ReceiveResult } from '../../src/netlink/transport.js';

export function withReceiveInPlace<T extends { receiveNow(): ReceiveResult }>(
  fake: T,
  { oneBuffer = false } = {},
): T & { receiveInPlace(): number; readonly received: Buffer } {
  // With `oneBuffer`, every datagram is received into the same buffer, as the real transport
  // does: each receive overwrites the one before (what is left over is filled with 0xee).
  let received: Buffer = oneBuffer ? Buffer.alloc(65536) : Buffer.alloc(0);
  return Object.defineProperties(fake, {
    receiveInPlace: {
      value: (): number => {
        const result = fake.receiveNow();
        if (result.kind === 'overrun') return RECEIVED_OVERRUN;
        if (result.kind === 'timeout') return RECEIVED_NOTHING;
        if (!oneBuffer) received = result.datagram;
        else received.fill(0xee).set(result.datagram);
        return result.datagram.length;
      },
    },
    received: { get: () => received },
  }) as T & { receiveInPlace(): number; readonly received: Buffer };
}
