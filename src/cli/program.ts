/**
 * The command tree (commander): every command is registered here with its help and examples.
 * Actions only parse the words they get and call a command module, loaded when it runs.
 */
import { Command, Option } from 'commander';
import type { CommandContext } from './context.js';

/** Builds a context for the action that is about to run, from the options it sees. */
export type ContextFactory = (command: Command) => Promise<CommandContext>;

export const EXIT_CODES_HELP = `
Exit status:
  0  success
  1  the kernel or the system refused (the kernel's own message is shown)
  2  usage error: the command line is wrong; nothing was sent to the kernel`;

/**
 * A command's action: a function of the context and the words after the verb. The table is
 * shared by the command tree and by batch mode, which skips commander for speed.
 */
export type Action = (ctx: CommandContext, words: string[]) => Promise<void>;

const endpoint = () => import('./commands/endpoint.js');
const limits = () => import('./commands/limits.js');

export const actions: Record<string, Record<string, Action>> = {
  endpoint: {
    add: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'add', w),
    change: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'change', w),
    delete: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'delete', w),
    show: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'show', w),
    // ip ignores anything after flush; so do we.
    flush: async (ctx) => (await endpoint()).flushCommand(ctx),
  },
  limits: {
    set: async (ctx, w) => (await limits()).limitsSet(ctx, w),
    show: async (ctx, w) => (await limits()).limitsShow(ctx, w),
  },
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
    usage: '[id ID] | token TOKEN [id ID]',
    summary: 'list endpoints (or one by id); with a token, the local addresses of a userspace-PM connection',
    examples: ['mptcpctl endpoint show', 'mptcpctl -j endpoint show id 3', 'mptcpctl endpoint show token 0x1a2b3c4d'],
  },
  { verb: 'flush', usage: '', summary: 'delete every endpoint', examples: ['mptcpctl endpoint flush'] },
];

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

/** The whole tree. `version` comes from package.json at build time. */
export function buildProgram(version: string, makeContext: ContextFactory): Command {
  const program = new Command('mptcpctl')
    .description("Control the Linux kernel's MPTCP path manager: endpoints, limits, userspace-PM commands, live connections and events.")
    .usage('[options] OBJECT COMMAND [ARGS...]')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also after any command)')
    .option('-n, --netns <name>', 'run in network namespace NAME (as `ip -n`)')
    .option('-j, --json', 'JSON output (same as --format json)')
    .option('-p, --pretty', 'indent JSON as `ip -j -p` does')
    .addOption(new Option('--format <format>', 'output format; auto = table on a terminal, text otherwise').choices(['auto', 'text', 'table', 'json']))
    .addOption(new Option('-c, --color <when>', 'colours: auto, always or never (NO_COLOR, FORCE_COLOR respected)').choices(['auto', 'always', 'never']))
    .option('-v, --verbose', 'say what a change did (changes are silent by default, like ip)')
    .option('-b, --batch <file>', 'run the commands in FILE, one per line (- for stdin), on one socket')
    .option('--force', 'with --batch: go on after a failing line; exit 1 if any failed')
    .option('-t, --timestamp', 'monitor: prefix each event with its time')
    .option('--debug', 'trace every netlink message on stderr')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Objects and commands (abbreviations allowed, in ip's order: \`mptcpctl e s\` = endpoint show):
  endpoint add|delete|change|show|flush     in-kernel PM endpoints (as \`ip mptcp endpoint\`)
  limits set|show                           in-kernel PM limits (as \`ip mptcp limits\`)

Options may come before the object (as with ip, also in ip's spelling: -json, -netns NAME)
or after the command. Output: ip's text when piped, a table on a terminal, JSON with -j.

Examples:
  mptcpctl endpoint add 10.0.0.2 id 3 signal
  mptcpctl limits set subflows 4 add_addr_accepted 4
  mptcpctl -n blue -j endpoint show
${EXIT_CODES_HELP}`,
    );

  const endpointCmd = program
    .command('endpoint')
    .description('in-kernel path-manager endpoints (same grammar and output as `ip mptcp endpoint`)')
    .helpOption('-h, --help', 'show this help');
  addVerbs(endpointCmd, 'endpoint', endpointVerbs, makeContext);

  const limitsCmd = program
    .command('limits')
    .description('in-kernel path-manager limits (same grammar and output as `ip mptcp limits`)')
    .helpOption('-h, --help', 'show this help');
  addVerbs(
    limitsCmd,
    'limits',
    [
      {
        verb: 'set',
        usage: '[subflows N] [add_addr_accepted N]',
        summary: 'set the limits (each 0..8); values not given are unchanged',
        examples: ['mptcpctl limits set subflows 4', 'mptcpctl limits set subflows 2 add_addr_accepted 2'],
        notes: 'subflows: extra subflows per connection; add_addr_accepted: ADD_ADDRs accepted per connection.',
      },
      { verb: 'show', usage: '', summary: 'show the limits', examples: ['mptcpctl limits show', 'mptcpctl -j limits show'] },
    ],
    makeContext,
  );
  return program;
}
