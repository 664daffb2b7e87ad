/**
 * The generic netlink controller's numbers (include/uapi/linux/genetlink.h): what resolving a
 * family by name needs. Its attribute sets and names, for policies and traces, are in
 * nlctrl-spec.ts.
 */
export const GENL_ID_CTRL = 0x10;

export const CtrlCommand = {
  NEWFAMILY: 1,
  DELFAMILY: 2,
  GETFAMILY: 3,
  NEWOPS: 4,
  DELOPS: 5,
  GETOPS: 6,
  NEWMCAST_GRP: 7,
  DELMCAST_GRP: 8,
  GETMCAST_GRP: 9,
  GETPOLICY: 10,
} as const;

export const CtrlAttr = {
  FAMILY_ID: 1,
  FAMILY_NAME: 2,
  VERSION: 3,
  HDRSIZE: 4,
  MAXATTR: 5,
  OPS: 6,
  MCAST_GROUPS: 7,
  POLICY: 8,
  OP_POLICY: 9,
  OP: 10,
} as const;

/** GENL_* op flags as CTRL_ATTR_OP_FLAGS reports them. */
export const OpFlag = {
  ADMIN_PERM: 0x01,
  CMD_CAP_DO: 0x02,
  CMD_CAP_DUMP: 0x04,
  CMD_CAP_HASPOL: 0x08,
  UNS_ADMIN_PERM: 0x10,
} as const;

/** CTRL_ATTR_OP_*: the members of one entry of CTRL_ATTR_OPS. */
export const CtrlOpAttr = { ID: 1, FLAGS: 2 } as const;

/** CTRL_ATTR_MCAST_GRP_*: the members of one entry of CTRL_ATTR_MCAST_GROUPS. */
export const CtrlGroupAttr = { NAME: 1, ID: 2 } as const;
