/**
 * For fake transports in unit tests: NetlinkTransport's receiveInPlace and `received`, made from
 * the fake's own receiveNow, so a fake scripts its datagrams in one place.
 */
import { RECEIVED_NOTHING, RECEIVED_OVERRUN, type ReceiveResult } from '../../src/netlink/transport.js';

export function withReceiveInPlace<T extends { receiveNow(): ReceiveResult }>(fake: T): T & { receiveInPlace(): number; readonly received: Buffer } {
  let received: Buffer = Buffer.alloc(0);
  return Object.defineProperties(fake, {
    receiveInPlace: {
      value: (): number => {
        const result = fake.receiveNow();
        if (result.kind === 'overrun') return RECEIVED_OVERRUN;
        if (result.kind === 'timeout') return RECEIVED_NOTHING;
        received = result.datagram;
        return received.length;
      },
    },
    received: { get: () => received },
  }) as T & { receiveInPlace(): number; readonly received: Buffer };
}
