/**
 * The command tree (commander): every command is registered here with its help and examples.
 * Actions only parse the words they get and call a command module, loaded when it runs.
 */
import { Argument, Command, Option } from 'commander';
import { actions } from './actions.js';
import type { CommandContext } from './context.js';

/** Builds a context for the action that is about to run, from the options it sees. */
export type ContextFactory = (command: Command) => Promise<CommandContext>;

export const EXIT_CODES_HELP = `
Exit status:
  0  success
  1  the kernel or the system refused (the kernel's own message is shown)
  2  usage error: the command line is wrong; nothing was sent to the kernel`;

const statusHelp: VerbHelp = {
  verb: 'status',
  usage: '',
  summary: "the namespace's MPTCP state, what the kernel supports, and warnings for what is wrong",
  examples: ['mptcpctl status', 'mptcpctl -n blue status', 'mptcpctl -j -p status'],
  notes:
    'Shows net.mptcp.enabled, the path manager and scheduler, every net.mptcp.* setting, the mptcp_pm family as the\n' +
    'running kernel lists it (operations with their flags, groups) and the features that follow (from the op list and\n' +
    'the per-op policies; from the kernel release only for what netlink does not list), limits, endpoints, connection\n' +
    'counts (tokens are not shown: `connection show` lists them), subscribers to path-manager events and non-zero\n' +
    'MPTcpExt counters. Then a warning for each problem found, with why it matters and the command that fixes it:\n' +
    'an endpoint address not configured here or a device that is gone, a subflow endpoint without dev, an IPv6\n' +
    'link-local endpoint without dev, a subflows limit below the usable subflow endpoints, add_addr_accepted 0,\n' +
    'signal together with fullmesh, the userspace PM with nothing subscribed to events (joins are then dropped), and\n' +
    'endpoints configured while the userspace PM is selected. Exit status 0 also when there are warnings.',
};

const subflowShowHelp: VerbHelp = {
  verb: 'show',
  usage: '[token TOKEN]',
  summary: 'list live subflows with their MPTCP state (ids, tokens, flags, sequence numbers)',
  examples: ['mptcpctl subflow show', 'mptcpctl -j subflow show token 1a2b3c4d'],
  notes:
    'One line per subflow: token (the connection\'s, as `connection show` and `monitor` print it), TCP state, local and\nremote address:port, local and remote address ids, backup, the peer\'s token, the subflow flags (mcap/join/bkup\nlocal and remote, fully_established, connected, mapvalid) and the current DSS mapping.',
};

const connectionShowHelp: VerbHelp = {
  verb: 'show',
  usage: '[token TOKEN]',
  summary: 'list live MPTCP connections (listeners included)',
  examples: ['mptcpctl connection show', 'mptcpctl conn', 'mptcpctl -j connection show token 1a2b3c4d'],
  notes:
    'One line per connection: token (paste it into `token TOKEN`), state, side (server: accepted; client: connected),\nlocal and remote address:port, subflows (all, the initial one included), ADD_ADDRs signalled and accepted, local\naddresses used, and the limits in force. A token that matches nothing exits with status 1.',
};

interface VerbHelp {
  verb: string;
  usage: string;
  summary: string;
  examples: string[];
  notes?: string;
}

const endpointVerbs: VerbHelp[] = [
  {
    verb: 'add',
    usage: 'ADDRESS [dev IFNAME] [id ID] [port PORT] [signal|subflow|backup|fullmesh|laminar]...',
    summary: 'add an endpoint to the in-kernel path manager',
    examples: ['mptcpctl endpoint add 10.0.0.2 id 3 signal', 'mptcpctl endpoint add 10.0.1.2 dev eth1 subflow backup', 'mptcpctl -n blue endpoint add 2001:db8::2 signal port 10100'],
    notes: 'signal: announce the address to peers (ADD_ADDR); subflow: open subflows from it; backup: low priority;\nfullmesh: a subflow to every peer address (not with signal); laminar: source of subflows to addresses the peer announces.\nport needs signal: the kernel then listens on ADDRESS:PORT, so the address must be configured locally.\nWithout id the kernel picks the next free one (1..255).',
  },
  {
    verb: 'delete',
    usage: 'id ID [ADDRESS]',
    summary: 'delete an endpoint (id 0 ADDRESS: close the initial subflows using ADDRESS)',
    examples: ['mptcpctl endpoint delete id 3', 'mptcpctl endpoint delete id 0 10.0.0.1'],
  },
  {
    verb: 'change',
    usage: '[id ID] [ADDRESS] [port PORT] [backup|nobackup|fullmesh|nofullmesh]...\n       ADDRESS [port PORT] token TOKEN remote ADDRESS [port PORT] backup|nobackup',
    summary: "change an endpoint's backup/fullmesh flags, or (with a token) a userspace-PM subflow's priority",
    examples: ['mptcpctl endpoint change id 3 backup', 'mptcpctl endpoint change 10.0.0.2 backup fullmesh', 'mptcpctl endpoint change 10.0.0.1 token 0x1a2b3c4d remote 10.0.0.2 backup'],
    notes:
      'As with ip, the flags given REPLACE both backup and fullmesh: `change id 3 backup` clears fullmesh,\nand `change id 3` alone clears both. Give the complete wanted state.\nWith a token (userspace PM), MP_PRIO is sent on the subflows between the two addresses (port 0 or none: any port).',
  },
  {
    verb: 'show',
    usage: '[id ID] | token TOKEN [id ID] | --check',
    summary: 'list endpoints (or one by id); with a token, the local addresses of a userspace-PM connection',
    examples: ['mptcpctl endpoint show', 'mptcpctl -j endpoint show id 3', 'mptcpctl endpoint show token 0x1a2b3c4d', 'mptcpctl endpoint show --check'],
    notes: '--check: also print the warnings of `mptcpctl status` (with why and the fix) after the endpoints;\nunder -j one object {"endpoints": [...], "warnings": [...]}.',
  },
  { verb: 'flush', usage: '', summary: 'delete every endpoint', examples: ['mptcpctl endpoint flush'] },
];

const USERSPACE_PM_NOTE =
  'Userspace PM: the namespace needs net.mptcp.path_manager=userspace (pm_type=1 before Linux 6.15) set BEFORE the\nconnection is made, and a program subscribed to path-manager events (e.g. `mptcpctl monitor`), without which the\nkernel drops joins and received ADD_ADDRs. TOKEN: the connection as `mptcpctl connection show` and `mptcpctl monitor`\nprint it (hex, 0x optional); tokens are per namespace and per side.';

const announceHelp: VerbHelp = {
  verb: 'announce',
  usage: 'ADDRESS id ID token TOKEN [port PORT] [dev IFNAME]',
  summary: 'userspace PM: announce a local address to the peer of one connection (ADD_ADDR)',
  examples: ['mptcpctl announce 10.0.2.1 id 5 token 1a2b3c4d', 'mptcpctl -n blue announce 2001:db8:2::1 id 6 token 0x1a2b3c4d port 8080 dev eth1'],
  notes: `ID (1..255) is what the peer will call the address; PORT is the port the peer should join (default: the\nconnection's own). The peer gets an ANNOUNCED event. Open subflows from the address with \`subflow create\`,\nwithdraw it with \`remove\`.\n${USERSPACE_PM_NOTE}`,
};

const removeHelp: VerbHelp = {
  verb: 'remove',
  usage: 'id ID token TOKEN',
  summary: 'userspace PM: withdraw a local address from one connection (RM_ADDR) and close its subflows',
  examples: ['mptcpctl remove id 5 token 1a2b3c4d'],
  notes: `ID: as given to announce or subflow create (1..255); id 0 withdraws the address of the initial subflow.\nThe peer gets a REMOVED event.\n${USERSPACE_PM_NOTE}`,
};

const subflowVerbs: VerbHelp[] = [
  {
    verb: 'create',
    usage: 'token TOKEN local ADDRESS [id ID] [port PORT] [dev IFNAME] remote ADDRESS port PORT [backup]',
    summary: 'userspace PM: open a new subflow of one connection (MP_JOIN)',
    examples: [
      'mptcpctl subflow create token 1a2b3c4d local 10.0.2.1 id 5 remote 10.0.2.2 port 8080',
      'mptcpctl -n blue subflow create token 1a2b3c4d local 10.0.2.1 id 5 dev eth1 remote 10.0.2.2 port 8080 backup',
    ],
    notes: `Asynchronous: success means the SYN was sent, not that the subflow is up. Watch \`mptcpctl monitor\`:\nSF_ESTABLISHED follows when the peer accepts, SF_CLOSED with an error (e.g. error=111, refused) when it does not.\n"port" after "local" is the local port (default: any); after "remote" it is the peer's port (required).\nID (0..255) is the local address id sent in MP_JOIN: an announced address keeps its id, and an address used once\nwith an id cannot take another on this connection (even when the connect failed). backup: a low-priority subflow.\n${USERSPACE_PM_NOTE}`,
  },
  {
    verb: 'destroy',
    usage: 'token TOKEN local ADDRESS port PORT remote ADDRESS port PORT',
    summary: 'userspace PM: close one subflow of a connection',
    examples: ['mptcpctl subflow destroy token 1a2b3c4d local 10.0.2.1 port 41234 remote 10.0.2.2 port 8080'],
    notes: `The subflow is found by both exact addresses and ports, as SF_ESTABLISHED in \`mptcpctl monitor\` shows\nthem (saddr/sport local, daddr/dport remote). The peer gets SF_CLOSED. The kernel also drops the local address\nfrom the connection's list, even an announced one, after which \`remove\` cannot withdraw it: to withdraw an\naddress from the peer, run \`remove\` instead (it closes the address's subflows too).\n${USERSPACE_PM_NOTE}`,
  },
];

const limitsVerbs: VerbHelp[] = [
  {
    verb: 'set',
    usage: '[subflows N] [add_addr_accepted N]',
    summary: 'set the limits (each 0..8); values not given are unchanged',
    examples: ['mptcpctl limits set subflows 4', 'mptcpctl limits set subflows 2 add_addr_accepted 2'],
    notes: 'subflows: extra subflows per connection; add_addr_accepted: ADD_ADDRs accepted per connection.',
  },
  { verb: 'show', usage: '', summary: 'show the limits', examples: ['mptcpctl limits show', 'mptcpctl -j limits show'] },
];

const CONFIG_FILE_NOTE =
  'FILE (YAML) describes one namespace: limits, sysctl (net.mptcp.* keys the kernel has), endpoints (address, id, dev,\n' +
  'port, flags), rules (endpoints made from interface addresses: interfaces globs, family, flags, scope, temporary,\n' +
  'ula, deprecated, tentative, link, ids; in the order that hands out the 8 endpoint slots) and unlisted: remove|keep.\n' +
  'The whole file is checked first: every problem is printed as FILE:LINE:COLUMN, exit status 2, nothing changed.\n' +
  'The namespace is -n\'s, else the file\'s netns:, else this one. See README "Desired state".';

const configVerbs: VerbHelp[] = [
  {
    verb: 'show',
    usage: '',
    summary: 'the current state as a file that `config apply` reproduces exactly (-j: as JSON)',
    examples: ['mptcpctl config show > /etc/mptcpctl/main.yaml', 'mptcpctl -n blue config show'],
  },
  {
    verb: 'diff',
    usage: 'FILE',
    summary: 'the plan from the current state to FILE, one line per change, and what the rules skipped',
    examples: ['mptcpctl config diff /etc/mptcpctl/main.yaml', 'mptcpctl -j config diff main.yaml'],
    notes: `Exit status 0: already in that state; 3: it differs (for cron jobs and configuration checks).\n${CONFIG_FILE_NOTE}`,
  },
  {
    verb: 'apply',
    usage: 'FILE [--dry-run]',
    summary: 'make the namespace as FILE says with the fewest changes, all or nothing',
    examples: ['mptcpctl config apply /etc/mptcpctl/main.yaml', 'mptcpctl config apply main.yaml --dry-run'],
    notes: `Flags the kernel can change in place (backup, fullmesh) are changed in place, so live subflows stay;\nother differences delete and add the endpoint again under its id. The state is read back and compared with\nthe plan. If any step fails, the state found (endpoints, limits, sysctls) is restored and the failure named:\nnothing changed (exit status 1). --dry-run: the plan only, as diff (exit status 0 or 3).\n${CONFIG_FILE_NOTE}`,
  },
  {
    verb: 'try',
    usage: 'FILE [--timeout SECONDS]',
    summary: 'apply FILE, then revert unless confirmed within the timeout (default 120 s), as `netplan try`',
    examples: ['mptcpctl config try main.yaml', 'mptcpctl -n blue config try main.yaml --timeout 30'],
    notes: 'Confirm with a key on the terminal, or `mptcpctl [-n NS] config confirm` from another shell. Without a\nconfirmation (or on SIGINT/SIGTERM) the state found is restored and the exit status is 1.',
  },
  {
    verb: 'confirm',
    usage: '',
    summary: 'keep what the waiting `config try` of this namespace applied',
    examples: ['mptcpctl config confirm', 'mptcpctl -n blue config confirm'],
  },
  {
    verb: 'follow',
    usage: 'FILE [--once] [--resync SECONDS]',
    summary: 'apply FILE and keep it true as addresses and interfaces come and go (a service)',
    examples: ['mptcpctl config follow /etc/mptcpctl/main.yaml', 'mptcpctl -j config follow main.yaml', 'mptcpctl config follow main.yaml --once'],
    notes: `Re-plans on every address and link change (rtnetlink) and path-manager event, debounced, and every\n--resync seconds (default 60; 0 = only on events). A tentative address gets its endpoint once DAD is done.\nOne line per change (JSON Lines with -j). With NOTIFY_SOCKET set, tells systemd READY=1 after the first\nround. SIGINT/SIGTERM end it (exit status 0) and leave the endpoints as they are. --once: apply and exit.\nsystemd: mptcpctl-follow@.service (see README).\n${CONFIG_FILE_NOTE}`,
  },
];

/** The objects that have verbs, and their verbs in help order. */
const objectVerbs: Record<string, VerbHelp[]> = {
  endpoint: endpointVerbs,
  limits: limitsVerbs,
  subflow: [...subflowVerbs, subflowShowHelp],
  connection: [connectionShowHelp],
  config: configVerbs,
};

/** Registers `object verb [words...]` for each verb. */
function addVerbs(parent: Command, object: string, list: VerbHelp[], makeContext: ContextFactory): void {
  for (const v of list) {
    parent
      .command(v.verb)
      .usage(v.usage)
      .description(v.summary)
      .argument('[words...]')
      .allowUnknownOption()
      .helpOption('-h, --help', 'show this help')
      .addHelpText('after', `${v.notes ? `\n${v.notes}\n` : ''}\nExamples:\n${v.examples.map((e) => `  ${e}`).join('\n')}\n${EXIT_CODES_HELP}`)
      .action(async (words: string[], _opts: unknown, command: Command) => {
        await actions[object]![v.verb]!(await makeContext(command), words);
      });
  }
}

/**
 * The command tree. `version` comes from package.json at build time. With `lazyVerbs` (the CLI's
 * runs) an object's verbs are added only when that object runs; otherwise the tree is whole.
 */
export function buildProgram(version: string, makeContext: ContextFactory, options: { lazyVerbs?: boolean } = {}): Command {
  const program = new Command('mptcpctl')
    .description("Control the Linux kernel's MPTCP path manager: endpoints, limits, userspace-PM commands, live connections and events.")
    .usage('[options] OBJECT COMMAND [ARGS...]')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also after any command)')
    .option('-n, --netns <name>', 'run in network namespace NAME (as `ip -n`)')
    .option('-j, --json', 'JSON output (same as --format json)')
    .option('-p, --pretty', 'indent JSON as `ip -j -p` does')
    .addOption(new Option('--format <format>', 'output format; auto = table on a terminal, text otherwise').choices(['auto', 'text', 'table', 'json']))
    .addOption(new Option('-c, --color [when]', 'colours: auto, always or never; -c alone is always (NO_COLOR, FORCE_COLOR respected)').choices(['auto', 'always', 'never']).preset('always'))
    .option('-v, --verbose', 'say what a change did (changes are silent by default, like ip)')
    .option('-b, --batch <file>', 'run the commands in FILE, one per line (- for stdin), on one socket')
    .option('--force', 'with --batch: go on after a failing line; exit 1 if any failed')
    .option('-o, --oneline', "text output: end records with '\\' instead of a newline, as `ip -o`")
    .option('-t, --timestamp', 'monitor: prefix each event with its time')
    .option('--debug', 'trace every netlink message on stderr, decoded attribute by attribute (tokens included)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Objects and commands (abbreviations allowed, in ip's order: \`mptcpctl e s\` = endpoint show):
  endpoint add|delete|change|show|flush     in-kernel PM endpoints (as \`ip mptcp endpoint\`)
  limits set|show                           in-kernel PM limits (as \`ip mptcp limits\`)
  announce ADDRESS id ID token TOKEN ...    userspace PM: announce an address on a connection (ADD_ADDR)
  remove id ID token TOKEN                  userspace PM: withdraw that address (RM_ADDR)
  subflow create|destroy ...                userspace PM: open or close a subflow of a connection
  subflow show [token TOKEN]                live subflows (TCP sockets with the mptcp ULP), with their MPTCP state
  connection show [token TOKEN]             live MPTCP connections: tokens, addresses, subflows, PM counters
  monitor [--json] [-t] [--event T,...]     path-manager events as they happen (as \`ip mptcp monitor\`)
  status                                    the namespace's MPTCP state and warnings (why no second subflow?)
  config show|diff|apply|try|confirm|follow desired state from a YAML file, kept true as addresses change

Options may come before the object (as with ip, also in ip's spelling: -json, -netns NAME)
or after the command. Output: ip's text when piped, a table on a terminal, JSON with -j.

Examples:
  mptcpctl endpoint add 10.0.0.2 id 3 signal
  mptcpctl limits set subflows 4 add_addr_accepted 4
  mptcpctl -n blue -j endpoint show
${EXIT_CODES_HELP}`,
    );

  // Verbs are registered when their object is about to parse (lazily, for start-up: a run needs
  // one object's), or all at once for the whole tree.
  const verbsAdded = new Set<Command>();
  const ensureVerbs = (command: Command): void => {
    const verbs = objectVerbs[command.name()];
    if (!verbs || verbsAdded.has(command)) return;
    verbsAdded.add(command);
    addVerbs(command, command.name(), verbs, makeContext);
  };
  const addObject = (name: string, description: string): void => {
    const command = program.command(name).description(description).helpOption('-h, --help', 'show this help');
    if (name === 'connection') command.alias('conn');
    if (!options.lazyVerbs) ensureVerbs(command);
  };
  addObject('endpoint', 'in-kernel path-manager endpoints (same grammar and output as `ip mptcp endpoint`)');
  addObject('limits', 'in-kernel path-manager limits (same grammar and output as `ip mptcp limits`)');
  // Objects without verbs: each is its own only verb.
  addVerbs(program, 'announce', [announceHelp], makeContext);
  addVerbs(program, 'remove', [removeHelp], makeContext);
  addVerbs(program, 'status', [statusHelp], makeContext);
  addObject('subflow', 'userspace PM: open and close subflows of one connection; list live subflows');
  addObject('connection', 'live MPTCP connections (from socket diagnostics, as `ss -M`)');
  addObject('config', 'desired state: show, plan, apply (all or nothing), try, and follow a YAML file');
  if (options.lazyVerbs) program.hook('preSubcommand', (_program, object) => ensureVerbs(object));

  addMonitor(program, makeContext);
  addCompletion(program, makeContext, () => program.commands.forEach(ensureVerbs));
  return program;
}

/** `monitor`: a long-running stream, so not in the batch `actions` table. */
function addMonitor(program: Command, makeContext: ContextFactory): void {
  const list = (value: string, previous: string[] = []): string[] => [...previous, value];
  program
    .command('monitor')
    .description('print path-manager events as they happen (same lines as `ip mptcp monitor` of iproute2 7.1)')
    .option('--event <types>', 'only these events (comma-separated, case-insensitive, e.g. sf_established,closed; repeatable)', list)
    .option('--token <token>', 'only events of this connection (hex, as printed)')
    .option('--count <n>', 'exit (0) after N printed events')
    .option('--timeout <seconds>', 'exit (0) after this many seconds')
    .option('--rcvbuf <bytes>', 'receive buffer of the event socket (default 4M; e.g. 262144, 512K, 16M)')
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      `
Output: ip 7.1's text lines when piped (byte for byte: \`[  SF_ESTABLISHED] token=0a1b2c3d ...\`),
the same lines coloured on a terminal with error codes and reset reasons named
(\`error=111 (ECONNREFUSED)\`), and JSON Lines with -j/--json (one object per event, keys as
ip 7.1's monitor JSON plus error_name, reset_reason_name, timestamp; see README).
-t/--timestamp prefixes each line with the local time as ip -ts does
(\`[2026-11-30T11:52:37.845337] \`), or adds "timestamp" (ISO 8601, UTC) to each JSON object.
Each line is written as soon as the event arrives. SIGINT/SIGTERM and a closed pipe end the
monitor with exit status 0. If the kernel drops events (receive buffer overrun), this is
reported at once on stderr (and as {"event":"LOST",...} under --json); the total is repeated
at exit. Needs CAP_NET_ADMIN (and Linux >= 5.12).

Examples:
  mptcpctl monitor
  mptcpctl -n blue monitor --json | jq -c 'select(.event == "SF_CLOSED")'
  mptcpctl monitor -t --event sf_established,sf_closed --token 0a1b2c3d
  mptcpctl monitor --json --count 10 --timeout 30
${EXIT_CODES_HELP}`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      await monitorCommand(await makeContext(command), command.optsWithGlobals());
    });
}

/** `completion bash|zsh|fish`: prints the completion script generated from this very tree. */
function addCompletion(program: Command, makeContext: ContextFactory, addAllVerbs: () => void): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      `
Completes objects, verbs, keywords and options, and asks the kernel for endpoint ids
(\`endpoint delete id\`), interface names (\`dev\`), connection tokens (\`token\`) and namespace
names (\`-n\`); event names for \`monitor --event\`. The same scripts are in the package's
completions/ directory.

Examples:
  source <(mptcpctl completion bash)
  mptcpctl completion bash > /usr/share/bash-completion/completions/mptcpctl
  mptcpctl completion zsh > "\${fpath[1]}/_mptcpctl"
  mptcpctl completion fish > ~/.config/fish/completions/mptcpctl.fish
${EXIT_CODES_HELP}`,
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish', _opts: unknown, command: Command) => {
      const { completionModel } = await import('./completion-model.js');
      const { completionScript } = await import('./completion.js');
      addAllVerbs();
      (await makeContext(command)).write(completionScript(shell, completionModel(program)));
    });
}
