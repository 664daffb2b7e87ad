/**
 * The command tree (commander): every command is registered here with its help and examples.
 * Actions only parse the words they get and call a command module, loaded when it runs.
 */
import { Argument, Command, Help, Option } from 'commander';
import { entryOf } from './table/commands.js';
import { EXIT_CODES_HELP, globalOptionHelp, objectsHelp, type VerbHelp } from './table/help.js';
import { globalOptions, type GlobalOption, type GlobalOptionName } from './table/global-options.js';
import type { CommandContext } from './context.js';

/** Builds a context for the action that is about to run, from the options it sees. */
export type ContextFactory = (command: Command) => Promise<CommandContext>;

/**
 * Each verb's grammar as its help shows it. A verb takes its words as `[words...]` (its own
 * grammar reads them): that placeholder is commander's, never shown.
 */
const grammarOf = new WeakMap<Command, string>();

const helpConfiguration: Partial<Help> = {
  commandUsage(command: Command): string {
    const grammar = grammarOf.get(command);
    if (grammar === undefined) return Help.prototype.commandUsage.call(this, command);
    const path = [];
    for (let c: Command | null = command; c; c = c.parent) path.unshift(c.name());
    return `${path.join(' ')}${grammar ? ` ${grammar}` : ''}`;
  },
  subcommandTerm(command: Command): string {
    const args = grammarOf.has(command) ? [] : command.registeredArguments.map((a) => `${a.required ? '<' : '['}${a.name()}${a.variadic ? '...' : ''}${a.required ? '>' : ']'}`);
    return [command.name() + (command.aliases()[0] ? `|${command.aliases()[0]}` : ''), ...(command.options.length ? ['[options]'] : []), ...args].join(' ');
  },
};

/** An object's help lists every verb with its grammar, as ip's usage does (`ip mptcp help`). */
function objectHelp(object: string, list: VerbHelp[]): string {
  const lines = list.flatMap((v) => [
    ...v.usage.split(/\n\s*/).map((usage) => `  mptcpctl ${object} ${v.verb}${usage ? ` ${usage}` : ''}`),
    `      ${v.summary}`,
  ]);
  return `\nCommands (abbreviations allowed, in ip's order):\n${lines.join('\n')}\n\n\`mptcpctl ${object} COMMAND --help\` (or \`mptcpctl help ${object} COMMAND\`) adds each command's notes and examples.\n${EXIT_CODES_HELP}`;
}

/** Registers `object verb [words...]` for each verb. */
function addVerbs(parent: Command, object: string, list: VerbHelp[], makeContext: ContextFactory): void {
  for (const v of list) {
    const command = parent
      .command(v.verb)
      .usage(v.usage)
      .description(v.summary)
      .argument('[words...]')
      .allowUnknownOption()
      .helpOption('-h, --help', 'show this help')
      .addHelpText('after', `${v.notes ? `\n${v.notes}\n` : ''}\nExamples:\n${v.examples.map((e) => `  ${e}`).join('\n')}\n${EXIT_CODES_HELP}`)
      .action(async (words: string[], _opts: unknown, command: Command) => {
        await entryOf(object)!.verbs[v.verb]!.run(await makeContext(command), words);
      });
    grammarOf.set(command, v.usage);
  }
}

/** The global options of the table (table/global-options.ts), with their help. */
function addGlobalOptions(program: Command, version: string): Command {
  for (const [name, o] of Object.entries<GlobalOption>(globalOptions)) {
    const { placeholder, description } = globalOptionHelp[name as GlobalOptionName];
    const flags = [o.short, placeholder ? `${o.long} ${placeholder}` : o.long].filter(Boolean).join(', ');
    if (name === 'version') program.version(version, flags, description);
    else if (name === 'help') program.helpOption(flags, description);
    else {
      const option = new Option(flags, description);
      if (o.choices) option.choices(o.choices);
      if (o.preset !== undefined) option.preset(o.preset);
      program.addOption(option);
    }
  }
  return program;
}

/**
 * The command tree. `version` comes from package.json at build time. With `lazyVerbs` (the CLI's
 * runs) an object's verbs are added only when that object runs; otherwise the tree is whole.
 */
export function buildProgram(version: string, makeContext: ContextFactory, options: { lazyVerbs?: boolean } = {}): Command {
  const program = addGlobalOptions(new Command('mptcpctl'), version)
    .description("Control the Linux kernel's MPTCP path manager: endpoints, limits, userspace-PM commands, live connections and events.")
    .usage('[options] OBJECT COMMAND [ARGS...]')
    .showSuggestionAfterError(true)
    .configureHelp(helpConfiguration)
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
  connection explain [token|dst|src ...]    each connection's possible paths: the subflow, or why there is none
  monitor [--json] [-t] [--event T,...]     path-manager events as they happen (as \`ip mptcp monitor\`)
  status                                    the namespace's MPTCP state and warnings (why no second subflow?)
  stats [--all] [--delta S|--watch S]       MPTCP counters (MPTcpExt), grouped and explained; --prometheus
  exporter [--listen ADDR:PORT] [-n NS]...  Prometheus /metrics endpoint: counters, endpoints, connections, events
  config show|diff|apply|try|confirm|follow desired state from a YAML file, kept true as addresses change

Options may come before the object (as with ip, also in ip's spelling: -json, -netns NAME)
or after the command. ip's other global options are accepted before the object and ignored, as
ip mptcp ignores them (-s, -d, -N, -a, -br, -h, -iec, -4, -6, -0, -M, -B, -echo, -f FAMILY,
-l N, -rc SIZE): -d is ip's -details, -h before a command ip's -human.
Output: ip's text when piped, a table on a terminal, JSON with -j.

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
    const help = objectsHelp[command.name()];
    if (!help || entryOf(command.name())!.ownVerb || verbsAdded.has(command)) return;
    verbsAdded.add(command);
    addVerbs(command, command.name(), help.verbs, makeContext);
  };
  for (const [name, help] of Object.entries(objectsHelp)) {
    // An object without verbs is its own only verb.
    if (entryOf(name)!.ownVerb) {
      addVerbs(program, name, help.verbs, makeContext);
      continue;
    }
    const command = program.command(name).description(help.description!).helpOption('-h, --help', 'show this help').usage('COMMAND [ARGS...]');
    for (const alias of entryOf(name)!.aliases ?? []) command.alias(alias);
    // Its verbs are listed with their grammar below, not by commander (they may not be registered yet).
    command.configureHelp({ ...helpConfiguration, visibleCommands: () => [] }).addHelpText('after', objectHelp(name, help.verbs));
    if (!options.lazyVerbs) ensureVerbs(command);
  }
  if (options.lazyVerbs) program.hook('preSubcommand', (_program, object) => ensureVerbs(object));

  addMonitor(program, makeContext);
  addMonitoring(program, makeContext);
  addCompletion(program, makeContext, () => program.commands.forEach(ensureVerbs));
  return program;
}

/** `monitor`: a long-running stream with options of its own, so commander's alone (not in the command table's verbs). */
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
    .option('--ready-fd <fd>', 'once subscribed, write "READY=1" and a newline to file descriptor FD (3 or above) and close it')
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
The monitor subscribes before anything else, and the kernel keeps the events from then on: to
act only once it listens, wait for --ready-fd's line (or READY=1 on NOTIFY_SOCKET, sent when
that is set, as systemd's Type=notify expects).

Examples:
  mptcpctl monitor
  mptcpctl -n blue monitor --json | jq -c 'select(.event == "SF_CLOSED")'
  mptcpctl monitor -t --event sf_established,sf_closed --token 0a1b2c3d
  mptcpctl monitor --json --count 10 --timeout 30
  mkfifo ready; mptcpctl monitor --json --ready-fd 3 3>ready >events & read -r _ <ready
${EXIT_CODES_HELP}`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      await monitorCommand(await makeContext(command), command.optsWithGlobals());
    });
}

/** `stats` and `exporter` (src/cli/commands/stats.ts, exporter.ts): options of their own, so commander's alone. */
function addMonitoring(program: Command, makeContext: ContextFactory): void {
  // Every -n of the line, in order (the global option keeps only the last): the exporter serves each.
  const namespaces: string[] = [];
  program.on('option:netns', (name: string) => namespaces.push(name));
  program
    .command('stats')
    .description("the namespace's MPTCP counters (MPTcpExt in /proc/net/netstat), grouped, each with its meaning")
    .option('--all', 'also show counters that are zero')
    .option('--delta <seconds>', 'show the change over SECONDS instead of the values')
    .option('--watch <seconds>', 'refresh every SECONDS: a live table on a terminal, JSON Lines when piped')
    .option('--prometheus', 'print the Prometheus text exposition format (counters, endpoints, limits, connections)')
    .option('--output <file>', "with --prometheus: write FILE atomically (for node_exporter's textfile collector)")
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      `
Groups: handshake (MP_CAPABLE), joins (MP_JOIN), addresses (ADD_ADDR/RM_ADDR), fallback to TCP,
blackhole, data level (mappings, checksums, queues), subflows, other. Counter names are the
kernel's own (\`nstat\` prints them with the MPTcpExt prefix): a newer kernel's counters appear
too, grouped by their prefix. Zero values are hidden unless --all (also under -j).
-j/--json: {"counters": {NAME: VALUE, ...}}; with --delta also "interval" (seconds).
--watch: exit 0 on SIGINT/SIGTERM; each JSON Line is {"timestamp", "interval", "counters",
"delta"} (delta: the change since the previous line; absent on the first).
--prometheus --output FILE: a temporary file in FILE's directory, then renamed over FILE.

Examples:
  mptcpctl stats
  mptcpctl -n blue stats --all
  mptcpctl stats --delta 10
  mptcpctl stats --watch 2
  mptcpctl stats --prometheus --output /var/lib/node_exporter/textfile/mptcp.prom
${EXIT_CODES_HELP}`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { statsCommand } = await import('./commands/stats.js');
      await statsCommand(await makeContext(command), command.optsWithGlobals());
    });
  program
    .command('exporter')
    .description('serve Prometheus metrics over HTTP (/metrics, /healthz) until SIGTERM')
    .option('--listen <address>', 'ADDR:PORT (or PORT) to listen on; default 127.0.0.1:9891, localhost only')
    .option('--max-connections <n>', 'HTTP connections served at once; more are closed at once (default 128)')
    .option('--max-age <seconds>', 'serve a reading younger than SECONDS instead of reading again (default 1; 0: always read)')
    .option('--no-events', 'no background event monitor (it needs CAP_NET_ADMIN)')
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      `
Serves, for this namespace or for each -n NAME given (then every series has a "netns" label):
the MPTcpExt counters (mptcp_netstat_total{counter}), endpoints (mptcp_endpoint_info{id,address,
dev,flags}), limits, connections by state and side, subflows by state, interface and backup,
path-manager events counted by a background monitor (mptcp_events_total{event}), and its own
scrape errors. No per-connection labels. A scrape reads the kernel afresh unless a reading
younger than --max-age is at hand (so a flood of scrapes costs one reading a second);
concurrent scrapes share one reading. Slow clients are cut off (headers 5 s, request 10 s, idle keep-alive 5 s, no traffic 30 s),
request bodies refused, connections capped. SIGTERM/SIGINT stop it cleanly (exit 0).

Examples:
  mptcpctl exporter
  mptcpctl exporter --listen 0.0.0.0:9891 -n blue -n red
  curl -s http://127.0.0.1:9891/metrics
${EXIT_CODES_HELP}`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { exporterCommand } = await import('./commands/exporter.js');
      await exporterCommand(await makeContext(command), command.opts(), [...new Set(namespaces)]);
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
      const { completionModel } = await import('./completion/model.js');
      const { completionScript } = await import('./completion/scripts.js');
      addAllVerbs();
      (await makeContext(command)).write(completionScript(shell, completionModel(program)));
    });
}
