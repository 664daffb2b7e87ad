/**
 * The mptcp_pm family as the kernel's CTRL_CMD_GETFAMILY reply describes it on the machines the
 * recorded replies come from (id 0x1c, version 1, its two multicast groups), with the operations
 * a test's reply lists (command -> GENL_* flags).
 */
import type { FamilyInfo } from '../../src/netlink/genl.js';

export function mptcpPmFamily(ops: [command: number, flags: number][], groups: [name: string, id: number][] = [['mptcp_pm_cmds', 8], ['mptcp_pm_events', 9]]): FamilyInfo {
  return { name: 'mptcp_pm', id: 0x1c, version: 1, hdrsize: 0, maxattr: 0, ops: new Map(ops), groups: new Map(groups) };
}
