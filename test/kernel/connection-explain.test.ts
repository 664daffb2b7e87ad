/**
 * `connection explain` against the real kernel: each verdict is provoked in two throw-away
 * namespaces with a real MPTCP connection from `a` (client, endpoint 10.2.0.1 on va1) to `b`
 * (server on 10.1.0.2), asserted, then the fix the verdict suggests is applied and a new
 * connection must get the subflow the first one lacked. Waits are polls with a deadline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, sysctl, type NetnsPair } from '../helpers/netns.js';

interface VerdictJson {
  code: string;
  likely: boolean;
  message: string;
  fix?: string;
  evidence: string[];
}
interface PathJson extends VerdictJson {
  local: string;
  local_id: number;
  remote: string;
  remote_id: number;
}
interface ConnectionJson {
  token: string;
  side: string;
  local_port: number;
  fallback: boolean;
  subflows: { local: string; remote: string }[];
  notes: VerdictJson[];
  paths: PathJson[];
}
interface ExplainJson {
  namespace: VerdictJson[];
  connections: ConnectionJson[];
}

let stateDir: string;
before(() => (stateDir = mkdtempSync(join(tmpdir(), 'mpc-explain-state-'))));
after(() => rmSync(stateDir, { recursive: true, force: true }));

function explain(netns: string, ...words: string[]): ExplainJson {
  const r = runCli(['-n', netns, '-j', 'connection', 'explain', ...words], { env: { MPTCPCTL_STATE_DIR: stateDir } });
  assert.equal(r.status, 0, `connection explain ${words.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as ExplainJson;
}

const DEADLINE_MS = 20000;

/** Polls `probe` until it returns a value (not undefined), or fails after the deadline with the last state seen. */
async function eventually<T>(what: string, probe: () => T | undefined, last: () => unknown): Promise<T> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`${what}: not seen before the deadline; last: ${JSON.stringify(last(), null, 1)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Runs a fix as printed: `CMD && CMD` of mptcpctl and ip commands, `(new connections)` dropped. */
function applyFix(fix: string): void {
  for (const command of fix.replace(/ \(new connections\)$/, '').split(' && ')) {
    const [program, ...args] = command.trim().split(/\s+/);
    if (program === 'mptcpctl') {
      const r = runCli(args);
      assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    } else if (program === 'ip') execFileSync('ip', args);
    else assert.fail(`cannot run fix ${JSON.stringify(command)}`);
  }
}

interface Case {
  name: string;
  /** Set-up before the first connection. */
  setup?: (p: NetnsPair) => void | Promise<void>;
  /** Where the verdict is read: the endpoint's path, a note on the connection, or the server's namespace. */
  level?: 'path' | 'note' | 'peer-namespace';
  code: string;
  likely: boolean;
  /** Applies the fix the verdict gave (default: run it as printed). */
  fix?: (p: NetnsPair, v: VerdictJson) => void | Promise<void>;
  family?: 4 | 6;
  server?: 'tcp';
  /** Read on the accepting side (namespace b, endpoint id 1 there) instead of the connecting one. */
  side?: 'server';
  /** The server's listening address (default: the peer's initial address). */
  listen?: string;
  /** What the connection made after the fix must have (default: a subflow on the endpoint's path). */
  fixed?: (conn: ConnectionJson) => boolean;
}

const endpoint4 = { local: '10.2.0.1', remote: '10.1.0.2' };
const endpoint6 = { local: '2001:db8:2::1', remote: '2001:db8:1::2' };
// (ports: 10300 + the case's index)

const cases: Case[] = [
  {
    name: 'subflows limit 0',
    setup: (p) => void ip(p.a, 'mptcp', 'limits', 'set', 'subflows', '0'),
    code: 'limit-subflows',
    likely: false,
  },
  {
    name: "add_addr_accepted 0: the peer's announced address is dropped",
    setup: (p) => {
      ip(p.a, 'mptcp', 'endpoint', 'flush');
      ip(p.a, 'mptcp', 'limits', 'set', 'add_addr_accepted', '0');
      ip(p.b, 'mptcp', 'endpoint', 'add', '10.2.0.2', 'dev', 'vb1', 'id', '1', 'signal');
    },
    // Joins to the announced address need a listener there too.
    listen: '0.0.0.0',
    level: 'note',
    code: 'limit-add-addr-accepted',
    likely: true,
    fixed: (conn) => conn.subflows.some((sf) => sf.remote === '10.2.0.2') && conn.paths.some((x) => x.remote === '10.2.0.2' && x.code === 'subflow-exists'),
  },
  {
    name: 'a subflow endpoint on the accepting side (the in-kernel PM opens subflows only from the connecting side)',
    side: 'server',
    setup: (p) => {
      ip(p.a, 'mptcp', 'endpoint', 'flush');
      ip(p.b, 'mptcp', 'endpoint', 'add', '10.2.0.2', 'dev', 'vb1', 'id', '1', 'subflow');
    },
    listen: '0.0.0.0',
    code: 'server-side',
    likely: false,
  },
  {
    name: 'the endpoint has signal but not subflow',
    setup: (p) => (ip(p.a, 'mptcp', 'endpoint', 'flush'), void ip(p.a, 'mptcp', 'endpoint', 'add', '10.2.0.1', 'dev', 'va1', 'id', '1', 'signal')),
    code: 'endpoint-no-subflow-flag',
    likely: false,
  },
  {
    name: "the endpoint's device is down",
    setup: (p) => void ip(p.a, 'link', 'set', 'va1', 'down'),
    code: 'endpoint-dev-down',
    likely: false,
  },
  {
    name: "the endpoint's address is not configured",
    setup: (p) => (ip(p.a, 'mptcp', 'endpoint', 'flush'), void ip(p.a, 'mptcp', 'endpoint', 'add', '10.2.0.9', 'dev', 'va1', 'id', '1', 'subflow')),
    code: 'endpoint-address-gone',
    likely: false,
    fix: (_p, v) => applyFix(v.fix!.replace(/ \(or .*$/, '')),
  },
  {
    name: 'no route from the endpoint to the peer (policy routing)',
    setup: (p) => {
      // The endpoint has no dev: its subflows take the route that traffic from 10.2.0.1 gets.
      ip(p.a, 'mptcp', 'endpoint', 'flush');
      ip(p.a, 'mptcp', 'endpoint', 'add', '10.2.0.1', 'id', '1', 'subflow');
      ip(p.a, 'rule', 'add', 'from', '10.2.0.1', 'lookup', '100', 'pref', '100');
      ip(p.a, 'rule', 'add', 'from', '10.2.0.1', 'unreachable', 'pref', '101');
      ip(p.a, 'route', 'add', '10.2.0.0/24', 'dev', 'va1', 'table', '100');
    },
    code: 'no-route',
    likely: false,
    fix: (p, v) => {
      const add = new RegExp(`ip -n ${p.a} route add 10\\.1\\.0\\.2 via GATEWAY dev va1 table TABLE`).exec(v.fix!);
      assert.ok(add, v.fix);
      // The placeholders, as the fix explains them: the next hop on va1, and the table `ip rule` picks for 10.2.0.1.
      applyFix(add[0].replace('GATEWAY', '10.2.0.2').replace('TABLE', '100'));
    },
  },
  {
    name: 'no IPv6 route to the peer through the endpoint device (the subflow is bound to it)',
    family: 6,
    code: 'no-route',
    likely: false,
    fix: (p, v) => {
      const add = new RegExp(`ip -n ${p.a} route add 2001:db8:1::/64 via GATEWAY dev va1 metric 1024`).exec(v.fix!);
      assert.ok(add, v.fix);
      applyFix(add[0].replace('GATEWAY', '2001:db8:2::2'));
    },
  },
  {
    name: 'the IPv6 endpoint address is tentative (DAD failed: a duplicate on the link)',
    family: 6,
    setup: async (p) => {
      ip(p.a, 'mptcp', 'endpoint', 'flush');
      ip(p.a, 'addr', 'del', '2001:db8:2::1/64', 'dev', 'va1');
      ip(p.b, 'addr', 'add', '2001:db8:2::1/64', 'dev', 'vb1', 'nodad');
      ip(p.a, 'addr', 'add', '2001:db8:2::1/64', 'dev', 'va1');
      // Without dev: its subflows take the route to the peer through va0 (one bound to va1 has none).
      ip(p.a, 'mptcp', 'endpoint', 'add', '2001:db8:2::1', 'id', '1', 'subflow');
      const shown = (): string => ip(p.a, '-6', 'addr', 'show', 'dev', 'va1');
      await eventually('DAD failure', () => (/dadfailed/.test(shown()) ? true : undefined), shown);
    },
    code: 'endpoint-tentative',
    likely: false,
    fix: async (p, v) => {
      assert.match(v.fix!, /^remove the duplicate 2001:db8:2::1 from the other host on va1, then /);
      ip(p.b, 'addr', 'del', '2001:db8:2::1/64', 'dev', 'vb1');
      applyFix(v.fix!.replace(/^.*, then /, ''));
      const shown = (): string => ip(p.a, '-6', 'addr', 'show', 'dev', 'va1');
      await eventually('DAD success', () => (/2001:db8:2::1\/64 scope global(?! .*tentative)/.test(shown()) ? true : undefined), shown);
    },
  },
  {
    name: 'the peer refuses joins to its initial address (allow_join_initial_addr_port=0)',
    setup: (p) => sysctl(p.b, 'net.mptcp.allow_join_initial_addr_port', 0),
    code: 'peer-deny-join-id0',
    likely: true,
    fix: (p, v) => {
      assert.match(v.fix!, /^on the peer: sysctl -w net\.mptcp\.allow_join_initial_addr_port=1/);
      sysctl(p.b, 'net.mptcp.allow_join_initial_addr_port', 1);
    },
  },
  {
    name: "the peer's subflows limit is 0",
    setup: (p) => void ip(p.b, 'mptcp', 'limits', 'set', 'subflows', '0'),
    code: 'peer-limit',
    likely: true,
    fix: (p, v) => {
      assert.match(v.fix!, /^on the peer: mptcpctl limits set subflows N/);
      ip(p.b, 'mptcp', 'limits', 'set', 'subflows', '1');
    },
  },
  {
    name: 'the userspace path manager runs the connection',
    setup: (p) => sysctl(p.a, 'net.mptcp.path_manager', 'userspace'),
    level: 'note',
    code: 'userspace-pm',
    likely: false,
    fix: (p, v) => {
      const kernel = new RegExp(`ip netns exec ${p.a} sysctl -w net\\.mptcp\\.path_manager=kernel`).exec(v.fix!);
      assert.ok(kernel, v.fix);
      sysctl(p.a, 'net.mptcp.path_manager', 'kernel');
    },
  },
  {
    name: 'MPTCP disabled on the peer: the server is plain TCP and the connection falls back',
    setup: (p) => sysctl(p.b, 'net.mptcp.enabled', 0),
    server: 'tcp',
    level: 'note',
    code: 'fallback-tcp',
    likely: true,
    fix: (p, v) => {
      assert.match(v.fix!, /^on the peer: sysctl -w net\.mptcp\.enabled=1/);
      // The peer's own explain says the same, with the command for its namespace.
      const peer = explain(p.b);
      assert.deepEqual(peer.namespace.map((n) => n.code), ['mptcp-disabled']);
      applyFix(peer.namespace[0]!.fix!);
    },
  },
];

describe('connection explain: each verdict provoked, fixed as suggested, and a new connection gets the subflow', () => {
  cases.forEach((c, i) => {
    it(`${c.name} -> ${c.code}`, async () => {
      const p = createNetnsPair('expl', 2);
      const peers: Peer[] = [];
      try {
        const port = 10300 + i;
        const addr = c.family === 6 ? endpoint6 : endpoint4;
        for (const ns of [p.a, p.b]) ip(ns, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
        ip(p.a, 'mptcp', 'endpoint', 'add', addr.local, 'dev', 'va1', 'id', '1', 'subflow');
        await c.setup?.(p);
        let server = await startServer(p.b, c.listen ?? addr.remote, port, c.server);
        peers.push(server);

        /** A client; retried until the deadline, as neighbour discovery on a fresh IPv6 link may fail the first SYN (EHOSTUNREACH). */
        const connectWithRetry = async (): Promise<Peer> => {
          const end = Date.now() + DEADLINE_MS;
          for (;;) {
            try {
              return await startClient(p.a, addr.remote, port);
            } catch (err) {
              if (Date.now() > end) throw err;
            }
          }
        };
        /** A new client connection and its explanation's endpoint path, once `want` holds. */
        const connectAndExplain = async (want: (conn: ConnectionJson) => boolean): Promise<ConnectionJson> => {
          const client = await connectWithRetry();
          peers.push(client);
          const sport = Number((await client.waitFor('connected')).split(' ')[1]);
          const src = c.family === 6 ? `[2001:db8:1::1]:${sport}` : `10.1.0.1:${sport}`;
          let last: ExplainJson | undefined;
          return eventually(
            `the connection from port ${sport}`,
            () => {
              last = c.side === 'server' ? explain(p.b, 'dst', src) : explain(p.a, 'src', src);
              const conn = last.connections[0];
              return conn && want(conn) ? conn : undefined;
            },
            () => last,
          );
        };
        const peerInitial = c.side === 'server' ? '10.1.0.1' : addr.remote;
        const endpointPath = (conn: ConnectionJson): PathJson | undefined => conn.paths.find((x) => x.local_id === 1 && x.remote === peerInitial);
        const verdictOf = (conn: ConnectionJson): VerdictJson | undefined => (c.level === 'note' ? conn.notes.find((n) => n.code === c.code) : endpointPath(conn));

        const first = await connectAndExplain((conn) => verdictOf(conn)?.code === c.code);
        const verdict = verdictOf(first)!;
        assert.equal(verdict.likely, c.likely, verdict.message);
        assert.ok(verdict.fix, `${c.code} has a fix`);
        assert.ok(verdict.evidence.length > 0, `${c.code} names its evidence`);
        if (c.level === 'note' && !c.fixed) assert.equal(endpointPath(first)?.code, c.code, 'the path carries the connection-wide cause');
        assert.equal(first.subflows.length, 1);

        await (c.fix ?? ((_p: NetnsPair, v: VerdictJson) => applyFix(v.fix!)))(p, verdict);
        if (c.server) {
          // The program on the peer must use MPTCP too: restart it as an MPTCP server.
          await server.stop();
          server = await startServer(p.b, c.listen ?? addr.remote, port);
          peers.push(server);
        }
        if (c.fixed) {
          await connectAndExplain(c.fixed);
          return;
        }
        const second = await connectAndExplain((conn) => endpointPath(conn)?.code === 'subflow-exists');
        assert.equal(second.subflows.length, 2);
        assert.ok(second.subflows.some((sf) => sf.local === endpointPath(second)!.local && (c.side === 'server' || sf.remote === addr.remote)));
      } finally {
        for (const peer of peers) await peer.stop();
        deleteNetns(p.a);
        deleteNetns(p.b);
      }
    });
  });
});

describe('connection explain: the command line', () => {
  it('text output, filters, an unknown token (exit 1) and a usage error (exit 2)', async () => {
    const p = createNetnsPair('explc', 2);
    const peers: Peer[] = [];
    try {
      ip(p.a, 'mptcp', 'limits', 'set', 'subflows', '0');
      ip(p.a, 'mptcp', 'endpoint', 'add', '10.2.0.1', 'dev', 'va1', 'id', '1', 'subflow');
      peers.push(await startServer(p.b, '10.1.0.2', 10399));
      peers.push(await startClient(p.a, '10.1.0.2', 10399));
      const r = runCli(['-n', p.a, 'connection', 'explain', 'dst', '10.1.0.2:10399'], { env: { MPTCPCTL_STATE_DIR: stateDir } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^token [0-9a-f]{8} client 10\.1\.0\.1:\d+ -> 10\.1\.0\.2:10399 ESTAB, 1 subflow$/m);
      assert.match(r.stdout, /^ {2}path 10\.2\.0\.1 \(id 1\) -> 10\.1\.0\.2 \(initial\): this connection has 0 additional subflows and the subflows limit is 0 \[limit-subflows\]$/m);
      assert.match(r.stdout, new RegExp(`^ {4}fix: mptcpctl -n ${p.a} limits set subflows 1 \\(new connections\\)$`, 'm'));
      assert.deepEqual(explain(p.a, 'dst', '10.1.0.2:1').connections, []);
      assert.equal(explain(p.a, 'dst', '10.1.0.2').connections.length, 1);
      const token = explain(p.a).connections[0]!.token;
      assert.equal(explain(p.a, 'token', token).connections[0]!.token, token);
      const server = explain(p.b, 'src', '10.1.0.2:10399');
      assert.equal(server.connections[0]!.side, 'server');
      const missing = runCli(['-n', p.a, 'connection', 'explain', 'token', token === '0badcafe' ? '0badcaff' : '0badcafe'], { env: { MPTCPCTL_STATE_DIR: stateDir } });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /^mptcpctl: no MPTCP connection has the token given .*\n$/);
      const usage = runCli(['-n', p.a, 'connection', 'explain', 'dst', '10.1.0.x'], { env: { MPTCPCTL_STATE_DIR: stateDir } });
      assert.equal(usage.status, 2);
      assert.equal(usage.stderr, 'mptcpctl: invalid dst address "10.1.0.x": expected an IPv4 or IPv6 address, or "*"\n');
    } finally {
      for (const peer of peers) await peer.stop();
      deleteNetns(p.a);
      deleteNetns(p.b);
    }
  });
});
