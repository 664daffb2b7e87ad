/**
 * The lazy half of the command table (commands.ts): every verb's help, keyed by the same names,
 * in the order the help lists them: its usage line(s) with the words completion offers after it,
 * a summary, notes and examples; and the global options' help. Only commander's tree (program.ts)
 * and completion read it, so it lives in the lazy bundle, not in the one every start reads.
 */
import type { GlobalOptionName } from './global-options.js';

export interface VerbHelp {
  verb: string;
  usage: string;
  /**
   * The words completion offers after the verb, in the order the usage shows them, blank
   * separated: `word` alone takes no value, `word:value` takes one completion cannot list (a
   * number, an address), `word:devs`, `word:tokens` and `word:ids` one it asks the kernel for
   * (interfaces, connection tokens, existing endpoint ids).
   */
  words: string;
  summary: string;
  examples: string[];
  notes?: string;
}

/** A verb's help, one call a verb: its usage line(s) and their words, a summary, examples, and notes where it has any. */
function help(verb: string, [usage, words]: [string, string], summary: string, examples: string[], notes?: string): VerbHelp {
  return notes === undefined ? { verb, usage, words, summary, examples } : { verb, usage, words, summary, examples, notes };
}

/**
 * The global options' help (global-options.ts declares them): the value's placeholder, what the
 * option does, and where completion finds its values (none: it lists none).
 */
export const globalOptionHelp: Record<GlobalOptionName, { placeholder?: string; description: string; complete?: 'netns' | 'file' }> = {
  version: { description: 'print the version' },
  help: { description: 'show help (also after any command)' },
  netns: { placeholder: '<name>', description: 'run in network namespace NAME (as `ip -n`)', complete: 'netns' },
  json: { description: 'JSON output (same as --format json)' },
  pretty: { description: 'indent JSON as `ip -j -p` does' },
  format: { placeholder: '<format>', description: 'output format; auto = table on a terminal, text otherwise' },
  color: { placeholder: '[when]', description: 'colours: auto, always or never; -c alone is always (NO_COLOR, FORCE_COLOR respected)' },
  verbose: { description: 'say what a change did (changes are silent by default, like ip)' },
  batch: {
    placeholder: '<file>',
    complete: 'file',
    description: 'run the commands in FILE, one per line (- for stdin), on one socket: a regular file is checked whole first, a stream runs each line as it arrives',
  },
  force: { description: 'with --batch: go on after a failing line; exit 1 if any failed' },
  oneline: { description: "text output: end records with '\\' instead of a newline, as `ip -o`" },
  resolve: { description: 'endpoint show: addresses as host names where the resolver knows one, as `ip -r`' },
  timestamp: { description: 'monitor: prefix each event with its time' },
  debug: { description: 'trace every netlink message on stderr, decoded attribute by attribute (tokens included)' },
};

export const EXIT_CODES_HELP = `
Exit status:
  0  success
  1  the kernel or the system refused (the kernel's own message is shown)
  2  usage error: the command line is wrong; nothing was sent to the kernel`;

const statusHelp = help('status', ['', ''], "the namespace's MPTCP state, what the kernel supports, and warnings for what is wrong", ['mptcpctl status', 'mptcpctl -n blue status', 'mptcpctl -j -p status'], 'Shows net.mptcp.enabled, the path manager and scheduler, every net.mptcp.* setting, the mptcp_pm family as the\n' + 'running kernel lists it (operations with their flags, groups) and the features that follow (from the op list and\n' + 'the per-op policies; from the kernel release only for what netlink does not list), limits, endpoints, connection\n' + 'counts (tokens are not shown: `connection show` lists them), subscribers to path-manager events and non-zero\n' + 'MPTcpExt counters. Then a warning for each problem found, with why it matters and the command that fixes it:\n' + 'an endpoint address not configured here or a device that is gone, a subflow endpoint without dev, an IPv6\n' + 'link-local endpoint without dev, a subflows limit below the usable subflow endpoints, add_addr_accepted 0,\n' + 'signal together with fullmesh, the userspace PM with nothing subscribed to events (joins are then dropped), and\n' + 'endpoints configured while the userspace PM is selected. Exit status 0 also when there are warnings.');

/** The ss-style selectors both listings take (grammar/selectors.ts). */
const SELECTOR_USAGE: [string, string] = ['[token TOKEN] [src ADDR[:PORT]] [dst ADDR[:PORT]] [sport PORT] [dport PORT] [dev IFNAME]', 'token:tokens src:value dst:value sport:value dport:value dev:devs'];
const SELECTOR_NOTE =
  'Selectors, all of which must hold: src/dst ADDR[:PORT] (the local/remote end; IPv6 with a port as [ADDR]:PORT,\n' +
  '`*` for any address), sport/dport PORT, dev IFNAME (the device a socket is bound to), token TOKEN. The kernel\n' +
  'filters by all but the token (inet_diag bytecode, as ss does).';

const subflowShowHelp = help('show', SELECTOR_USAGE, 'list live subflows with their MPTCP state (ids, tokens, flags, sequence numbers)', ['mptcpctl subflow show', 'mptcpctl -j subflow show token 1a2b3c4d', 'mptcpctl subflow show dev eth1 dport 443'], 'One line per subflow: token (the connection\'s, as `connection show` and `monitor` print it), TCP state, local and\nremote address:port as ss prints them, local and remote address ids, backup, the peer\'s token, the subflow flags\n(mcap/join/bkup local and remote, fully_established, connected, mapvalid) and the current DSS mapping.\n' + SELECTOR_NOTE + '\nA token that matches no connection exits with status 1, as for `connection show`; a connection without subflows\n(a listener) prints nothing.');

const connectionShowHelp = help('show', SELECTOR_USAGE, 'list live MPTCP connections (listeners included)', ['mptcpctl connection show', 'mptcpctl conn', 'mptcpctl -j connection show token 1a2b3c4d', 'mptcpctl connection show dst 10.0.0.2:443'], 'One line per connection: token (paste it into `token TOKEN`), state, side (server: accepted; client: connected),\nlocal and remote address:port as `ss -M` prints them, then every field of the kernel\'s mptcp_info by ss\'s names:\nsubflows (beyond the initial one; subflows_total counts all), ADD_ADDRs, limits, flags (fallback, remote_key),\nwrite_seq, snd_una, rcv_nxt, byte counters and the last activity times (ms). A token that matches nothing exits 1.\n' + SELECTOR_NOTE);

const connectionExplainHelp = help('explain', ['[token TOKEN] [dst ADDR[:PORT]] [src ADDR[:PORT]]', 'token:tokens dst:value src:value'], 'for each connection, every path it could have (endpoint x peer address): the subflow, or why there is none', ['mptcpctl connection explain', 'mptcpctl -n blue connection explain dst 10.0.1.2:8080', 'mptcpctl -j connection explain token 1a2b3c4d'], 'Lists each connection\'s subflows, then one line per path (each local endpoint and the initial address x each\n' + 'peer address known: the initial one and those its subflows reach) with a verdict code, the fix and the evidence:\n' + 'subflow-exists, limit-subflows, endpoint-no-subflow-flag, endpoint-dev-down, endpoint-dev-missing,\n' + 'endpoint-address-gone, endpoint-tentative, family-mismatch, no-route (RTM_GETROUTE from the endpoint in the\n' + 'namespace), peer-deny-join-id0, peer-limit, add-addr-not-echoed, not-announced, server-side, other-source-used,\n' + 'join-failed-here, not-tried, initial-subflow-closed; for the whole connection userspace-pm, fallback-tcp and\n' + 'limit-add-addr-accepted; for the namespace mptcp-disabled and blackhole-detected. "likely:" marks what the\n' + 'kernel does not show for sure (read from MPTcpExt counters, compared with the previous run of explain).\n' + 'Peer addresses announced but never reached are not shown by the kernel, only counted. Filters: token, dst\n' + '(the peer\'s address) and src (the local one), IPv6 with a port as [ADDR]:PORT.');


const endpointVerbs: VerbHelp[] = [
  help('add', ['ADDRESS [dev IFNAME] [id ID] [port PORT] [signal|subflow|backup|fullmesh|laminar]...', 'dev:devs id:value port:value signal subflow backup fullmesh laminar'], 'add an endpoint to the in-kernel path manager', ['mptcpctl endpoint add 10.0.0.2 id 3 signal', 'mptcpctl endpoint add 10.0.1.2 dev eth1 subflow backup', 'mptcpctl -n blue endpoint add 2001:db8::2 signal port 10100'], 'signal: announce the address to peers (ADD_ADDR); subflow: open subflows from it; backup: low priority;\nfullmesh: a subflow to every peer address (not with signal); laminar: source of subflows to addresses the peer announces.\nport needs signal: the kernel then listens on ADDRESS:PORT, so the address must be configured locally.\nWithout id the kernel picks the next free one (1..255).'),
  help('delete', ['id ID [ADDRESS]', 'id:ids'], 'delete an endpoint (id 0 ADDRESS: close the initial subflows using ADDRESS)', ['mptcpctl endpoint delete id 3', 'mptcpctl endpoint delete id 0 10.0.0.1']),
  help('change', ['[id ID] [ADDRESS] [port PORT] [backup|nobackup|fullmesh|nofullmesh]...\n       ADDRESS [port PORT] token TOKEN remote ADDRESS [port PORT] backup|nobackup', 'id:ids port:value backup nobackup fullmesh nofullmesh token:tokens remote:value'], "change an endpoint's backup/fullmesh flags, or (with a token) a userspace-PM subflow's priority", ['mptcpctl endpoint change id 3 backup', 'mptcpctl endpoint change 10.0.0.2 backup fullmesh', 'mptcpctl endpoint change 10.0.0.1 token 0x1a2b3c4d remote 10.0.0.2 backup'], 'As with ip, the flags given REPLACE both backup and fullmesh: `change id 3 backup` clears fullmesh,\nand `change id 3` alone clears both. Give the complete wanted state.\nThe endpoint is found by id or by ADDRESS (one is needed), with or without its port: without port, the endpoint\nwith no port, else the only one with that address; when several with ports share it, the error lists them.\n-v says what changed: `changed endpoint 10.0.0.2 id 3: backup -> nobackup`.\nWith a token (userspace PM), MP_PRIO is sent on the subflows between the two addresses (port 0 or none: any port).'),
  help('show', ['[id ID] | token TOKEN [id ID] | --check', 'id:ids token:tokens --check'], 'list endpoints (or one by id); with a token, the local addresses of a userspace-PM connection', ['mptcpctl endpoint show', 'mptcpctl -j endpoint show id 3', 'mptcpctl endpoint show token 0x1a2b3c4d', 'mptcpctl endpoint show --check'], 'An endpoint is looked up by id only (an ADDRESS without id is a usage error: ip would look up id 0).\n--check: also print the warnings of `mptcpctl status` (with why and the fix) after the endpoints;\nunder -j one object {"endpoints": [...], "warnings": [...]}.'),
  help('flush', ['', ''], 'delete every endpoint', ['mptcpctl endpoint flush']),
];

const USERSPACE_PM_NOTE =
  'Userspace PM: the namespace needs net.mptcp.path_manager=userspace (pm_type=1 before Linux 6.15) set BEFORE the\nconnection is made, and a program subscribed to path-manager events (e.g. `mptcpctl monitor`), without which the\nkernel drops joins and received ADD_ADDRs. TOKEN: the connection as `mptcpctl connection show` and `mptcpctl monitor`\nprint it (hex, 0x optional); tokens are per namespace and per side.';

const announceHelp = help('announce', ['ADDRESS id ID token TOKEN [port PORT] [dev IFNAME]', 'id:value token:tokens port:value dev:devs'], 'userspace PM: announce a local address to the peer of one connection (ADD_ADDR)', ['mptcpctl announce 10.0.2.1 id 5 token 1a2b3c4d', 'mptcpctl -n blue announce 2001:db8:2::1 id 6 token 0x1a2b3c4d port 8080 dev eth1'], `ID (1..255) is what the peer will call the address; PORT is the port the peer should join (default: the\nconnection's own). The peer gets an ANNOUNCED event. Open subflows from the address with \`subflow create\`,\nwithdraw it with \`remove\`.\n${USERSPACE_PM_NOTE}`);

const removeHelp = help('remove', ['id ID token TOKEN', 'id:value token:tokens'], 'userspace PM: withdraw a local address from one connection (RM_ADDR) and close its subflows', ['mptcpctl remove id 5 token 1a2b3c4d'], `ID: as given to announce or subflow create (1..255); id 0 withdraws the address of the initial subflow.\nThe peer gets a REMOVED event.\n${USERSPACE_PM_NOTE}`);

const subflowVerbs: VerbHelp[] = [
  help('create', ['token TOKEN local ADDRESS [id ID] [port PORT] [dev IFNAME] remote ADDRESS port PORT [backup]', 'token:tokens local:value id:value port:value dev:devs remote:value backup'], 'userspace PM: open a new subflow of one connection (MP_JOIN)', [ 'mptcpctl subflow create token 1a2b3c4d local 10.0.2.1 id 5 remote 10.0.2.2 port 8080', 'mptcpctl -n blue subflow create token 1a2b3c4d local 10.0.2.1 id 5 dev eth1 remote 10.0.2.2 port 8080 backup', ], `Asynchronous: success means the SYN was sent, not that the subflow is up. Watch \`mptcpctl monitor\`:\nSF_ESTABLISHED follows when the peer accepts, SF_CLOSED with an error (e.g. error=111, refused) when it does not.\n"port" after "local" is the local port (default: any); after "remote" it is the peer's port (required).\nID (0..255) is the local address id sent in MP_JOIN: an announced address keeps its id, and an address used once\nwith an id cannot take another on this connection (even when the connect failed). backup: a low-priority subflow.\n${USERSPACE_PM_NOTE}`),
  help('destroy', ['token TOKEN local ADDRESS port PORT remote ADDRESS port PORT', 'token:tokens local:value port:value remote:value'], 'userspace PM: close one subflow of a connection', ['mptcpctl subflow destroy token 1a2b3c4d local 10.0.2.1 port 41234 remote 10.0.2.2 port 8080'], `The subflow is found by both exact addresses and ports, as SF_ESTABLISHED in \`mptcpctl monitor\` shows\nthem (saddr/sport local, daddr/dport remote). The peer gets SF_CLOSED. The kernel also drops the local address\nfrom the connection's list, even an announced one, after which \`remove\` cannot withdraw it: to withdraw an\naddress from the peer, run \`remove\` instead (it closes the address's subflows too).\n${USERSPACE_PM_NOTE}`),
];

const limitsVerbs: VerbHelp[] = [
  help('set', ['[subflows N] [add_addr_accepted N]', 'subflows:value add_addr_accepted:value'], 'set the limits (each 0..8); values not given are unchanged', ['mptcpctl limits set subflows 4', 'mptcpctl limits set subflows 2 add_addr_accepted 2'], 'subflows: extra subflows per connection; add_addr_accepted: ADD_ADDRs accepted per connection.'),
  help('show', ['', ''], 'show the limits', ['mptcpctl limits show', 'mptcpctl -j limits show']),
];

const CONFIG_FILE_NOTE =
  'FILE (YAML) describes one namespace: limits, sysctl (net.mptcp.* keys the kernel has), endpoints (address, id, dev,\n' +
  'port, flags), rules (endpoints made from interface addresses: interfaces globs, family, flags, scope, temporary,\n' +
  'ula, deprecated, tentative, link, ids; in the order that hands out the 8 endpoint slots) and unlisted: remove|keep.\n' +
  'The whole file is checked first: every problem is printed as FILE:LINE:COLUMN, exit status 2, nothing changed.\n' +
  'The namespace is -n\'s, else the file\'s netns:, else this one. See README "Desired state".';

const configVerbs: VerbHelp[] = [
  help('show', ['', ''], 'the current state as a file that `config apply` reproduces exactly (-j: as JSON)', ['mptcpctl config show > /etc/mptcpctl/main.yaml', 'mptcpctl -n blue config show']),
  help('diff', ['FILE', ''], 'the plan from the current state to FILE, one line per change, and what the rules skipped', ['mptcpctl config diff /etc/mptcpctl/main.yaml', 'mptcpctl -j config diff main.yaml'], `Exit status 0: already in that state; 3: it differs (for cron jobs and configuration checks).\n${CONFIG_FILE_NOTE}`),
  help('apply', ['FILE [--dry-run]', '--dry-run'], 'make the namespace as FILE says with the fewest changes, all or nothing', ['mptcpctl config apply /etc/mptcpctl/main.yaml', 'mptcpctl config apply main.yaml --dry-run'], `Flags the kernel can change in place (backup, fullmesh) are changed in place, so live subflows stay;\nother differences delete and add the endpoint again under its id. The state is read back and compared with\nthe plan. If any step fails, the state found (endpoints, limits, sysctls) is restored and the failure named:\nnothing changed (exit status 1). --dry-run: the plan only, as diff (exit status 0 or 3).\n${CONFIG_FILE_NOTE}`),
  help('try', ['FILE [--timeout SECONDS]', '--timeout:value'], 'apply FILE, then revert unless confirmed within the timeout (default 120 s), as `netplan try`', ['mptcpctl config try main.yaml', 'mptcpctl -n blue config try main.yaml --timeout 30'], 'Confirm with a key on the terminal, or `mptcpctl [-n NS] config confirm` from another shell. Without a\nconfirmation (or on SIGINT/SIGTERM) the state found is restored and the exit status is 1.'),
  help('confirm', ['', ''], 'keep what the waiting `config try` of this namespace applied', ['mptcpctl config confirm', 'mptcpctl -n blue config confirm']),
  help('follow', ['FILE [--once] [--resync SECONDS]', '--once --resync:value'], 'apply FILE and keep it true as addresses and interfaces come and go (a service)', ['mptcpctl config follow /etc/mptcpctl/main.yaml', 'mptcpctl -j config follow main.yaml', 'mptcpctl config follow main.yaml --once'], `Re-plans on every address and link change (rtnetlink) and path-manager event, debounced, and every\n--resync seconds (default 60; 0 = only on events). A tentative address gets its endpoint once DAD is done.\nOne line per change (JSON Lines with -j). With NOTIFY_SOCKET set, tells systemd READY=1 after the first\nround. SIGINT/SIGTERM end it (exit status 0) and leave the endpoints as they are. --once: apply and exit.\nsystemd: mptcpctl-follow@.service (see README).\n${CONFIG_FILE_NOTE}`),
];

export interface ObjectHelp {
  /** What the object is, for the root help's list (an object without verbs: its verb's summary). */
  description?: string;
  /** Its verbs in help order; an object without verbs has the one of its own name. */
  verbs: VerbHelp[];
}

/** The objects the command table runs, in the order the root help lists them. */
export const objectsHelp: Record<string, ObjectHelp> = {
  endpoint: { description: 'in-kernel path-manager endpoints (same grammar and output as `ip mptcp endpoint`)', verbs: endpointVerbs },
  limits: { description: 'in-kernel path-manager limits (same grammar and output as `ip mptcp limits`)', verbs: limitsVerbs },
  announce: { verbs: [announceHelp] },
  remove: { verbs: [removeHelp] },
  status: { verbs: [statusHelp] },
  subflow: { description: 'userspace PM: open and close subflows of one connection; list live subflows', verbs: [...subflowVerbs, subflowShowHelp] },
  connection: { description: 'live MPTCP connections (from socket diagnostics, as `ss -M`)', verbs: [connectionShowHelp, connectionExplainHelp] },
  config: { description: 'desired state: show, plan, apply (all or nothing), try, and follow a YAML file', verbs: configVerbs },
};

/** The help of `object verb` (an object without verbs is its own verb), or undefined. */
export function helpOf(object: string, verb: string): VerbHelp | undefined {
  return Object.hasOwn(objectsHelp, object) ? objectsHelp[object]!.verbs.find((v) => v.verb === verb) : undefined;
}
