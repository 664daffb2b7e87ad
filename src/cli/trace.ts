/** `--debug`: every datagram that crosses a netlink socket, on stderr. */
import type { TraceHook } from '../netlink/exchange.js';

export const traceToStderr: TraceHook = (direction, datagram) => {
  const hex = datagram.toString('hex').replace(/(.{8})/g, '$1 ').trim();
  process.stderr.write(`netlink ${direction === 'send' ? '>' : '<'} ${datagram.length} bytes: ${hex}\n`);
};
