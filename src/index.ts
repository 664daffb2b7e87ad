/**
 * mptcpctl as a library: drive the Linux MPTCP path manager from Node.js.
 * @packageDocumentation
 */
export { MptcpPm, DEFAULT_EVENT_BUFFER_BYTES, type OpenOptions, type EventOptions, type EventLoss } from './pm/client.js';
export type { AddressInput, Endpoint, Limits, MptcpEvent, Token } from './mptcp/records.js';
export { AddressFlag, EventType, EventFlag, ResetReason, Command, AF_INET, AF_INET6 } from './families/mptcp-pm.js';
export { SubflowFlag } from './families/sock-diag.js';
export { encodeRequest, decodeEvent, decodeEndpointReply, decodeLimitsReply, type PmRequest } from './mptcp/codec.js';
export type { FamilyInfo } from './netlink/genl.js';
export { SockDiag, type SockDiagOptions, type DiagFilter } from './diag/sockdiag.js';
export {
  gatherStatus,
  detectFeatures,
  type StatusSnapshot,
  type StatusOptions,
  type Feature,
  type FamilyStatus,
  type PathManagerInfo,
  type ConnectionSummary,
} from './diag/status.js';
export { lintStatus, type LintWarning } from './diag/lint.js';
export type { FamilyPolicy, AttributePolicy } from './netlink/genl-policy.js';
export type { MptcpConnection, MptcpSubflow, SocketRecord, SideEvidence, SubflowFlagName } from './diag/records.js';
export { MptcpInfoFlag, type MptcpInfoFlagName } from './diag/mptcp-info.js';
export {
  MptcpctlError,
  UsageError,
  ClosedError,
  KernelError,
  PermissionError,
  SystemError,
  FamilyMissingError,
  GroupMissingError,
  NetnsError,
  TimeoutError,
  ProtocolError,
  NotFoundError,
} from './errors.js';
export { errnoName } from './errno.js';
export {
  parseConfig,
  planConfig,
  applyConfig,
  followConfig,
  restoreState,
  readState,
  stateFile,
  stateYaml,
  planText,
  planJson,
  changeLine,
  ApplyError,
  ConfigError,
  type DesiredConfig,
  type ObservedState,
  type ConfigProblem,
  type Plan,
  type PlannedEndpoint,
  type Change,
  type Skip,
  type ApplyTarget,
  type ApplyResult,
  type FollowOptions,
  type PlanOptions,
} from './config/index.js';
