/**
 * sd_notify(3) for services run by systemd (Type=notify): a datagram such as `READY=1` to the
 * socket named by NOTIFY_SOCKET, through the transport (the one module that makes sockets).
 */
import { sendUnixDatagram } from '../netlink/transport.js';

/** Sends `state` (e.g. `READY=1`, `STOPPING=1`) when run by systemd; false when not. */
export function sdNotify(state: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const socket = env['NOTIFY_SOCKET'];
  if (!socket) return false;
  sendUnixDatagram(socket, state);
  return true;
}
