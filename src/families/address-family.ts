/** Address families (include/linux/socket.h) that the families below carry, with their names. */
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;

export const addressFamilyNames: ReadonlyMap<number, string> = new Map([
  [AF_INET, 'AF_INET'],
  [AF_INET6, 'AF_INET6'],
  [AF_NETLINK, 'AF_NETLINK'],
]);
