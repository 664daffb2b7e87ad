/** One datagram to an AF_UNIX socket, as sd_notify(3) sends its state to a service manager. */
import { Errno } from '../errno.js';
import { SystemError } from '../errors.js';
import { AF_UNIX, closeFd, lastErrno, MSG_NOSIGNAL, openSocket, SOCK_DGRAM, sendTo } from './socket.js';
import { encodeText, writeU16LE } from '../util/bytes.js';

/** sizeof(struct sockaddr_un): the family, then sun_path[108]. */
const SOCKADDR_UN_SIZE = 110;

/**
 * Sends one datagram to the AF_UNIX datagram socket at `address`: a path, or an abstract name
 * written with a leading '@' (as NOTIFY_SOCKET gives it). Throws a SystemError (ENOENT,
 * ECONNREFUSED, EINVAL for a name that does not fit...).
 */
export function sendUnixDatagram(address: string, payload: Uint8Array): void {
  const name = encodeText(address);
  const abstract = address.startsWith('@');
  // A path needs its terminating NUL inside sun_path; an abstract name is counted exactly.
  const length = 2 + name.length + (abstract ? 0 : 1);
  // As sd_notify: an absolute path or an abstract name, non-empty either way.
  if (!/^[/@]./s.test(address) || length > SOCKADDR_UN_SIZE || address.includes('\0')) {
    throw new SystemError('sendto', Errno.EINVAL, `not a socket address: ${JSON.stringify(address)}`);
  }
  const sockaddr = Buffer.alloc(SOCKADDR_UN_SIZE);
  writeU16LE(sockaddr, AF_UNIX, 0);
  sockaddr.set(name, 2);
  if (abstract) sockaddr[2] = 0;
  const fd = openSocket(AF_UNIX, SOCK_DGRAM, 0, 'AF_UNIX');
  try {
    if (sendTo(fd, payload as Buffer, MSG_NOSIGNAL, sockaddr, length) < 0) throw new SystemError('sendto', lastErrno(), address);
  } finally {
    closeFd(fd);
  }
}
