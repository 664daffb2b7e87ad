/**
 * The Prometheus metrics of `stats --prometheus` and `exporter`, built with prom-client. Every
 * label's values come from a bounded set (kernel counter names, endpoints, TCP states, interface
 * names, event types): no per-connection labels, so the series count stays bounded however many
 * connections come and go. With `netnsLabel`, every namespace's series carry `netns`.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { gaugeCounters } from '../../diag/counter-info.js';
import type { NamespaceSample } from '../../diag/sample.js';
import { subflowInterface } from '../../diag/sample.js';
import { AddressFlag } from '../../families/mptcp-pm.js';
import { eventName, eventNames } from '../output/records/event-fields.js';

export interface MetricsOptions {
  /** Label every per-namespace series with `netns` (given with -n). */
  netnsLabel: boolean;
  /** Add the exporter's own metrics (events from the monitor, scrape errors, process). */
  exporter: boolean;
}

type Labels = Record<string, string>;

/** ip's event name (`SF_ESTABLISHED`); `UNKNOWN_42` for a type this tool does not know. */
const eventLabel = (type: number): string => eventName(type).replace(' ', '_');

/** Endpoint flag bits by name, in ip's order (unknown bits are shown as hex). */
const flagNames = Object.entries(AddressFlag) as [string, number][];

function endpointFlags(flags: number): string {
  const known = flagNames.filter(([, bit]) => flags & bit).map(([name]) => name);
  const rest = flagNames.reduce((left, [, bit]) => left & ~bit, flags);
  return [...known, ...(rest ? [`0x${rest.toString(16)}`] : [])].join(',');
}

/** Counts `key`s of `items` into `gauge`, with `labels` added to each. */
function countInto<T>(gauge: Gauge, items: readonly T[], key: (item: T) => Labels, labels: Labels): void {
  const counts = new Map<string, { labels: Labels; n: number }>();
  for (const item of items) {
    const l = { ...key(item), ...labels };
    const id = JSON.stringify(l);
    const entry = counts.get(id);
    if (entry) entry.n++;
    else counts.set(id, { labels: l, n: 1 });
  }
  for (const { labels: l, n } of counts.values()) gauge.set(l, n);
}

export class MptcpMetrics {
  readonly registry = new Registry();
  private readonly ns: string[];
  private readonly netstat: Counter;
  private readonly netstatCurrent: Gauge;
  private readonly endpoint: Gauge;
  private readonly limitSubflows: Gauge;
  private readonly limitAddAddr: Gauge;
  private readonly connections: Gauge;
  private readonly subflows: Gauge;
  private readonly up: Gauge;
  /** The exporter's own (kept across scrapes). */
  readonly events?: Counter;
  readonly eventsLost?: Counter;
  readonly scrapeErrors?: Counter;
  readonly scrapeDuration?: Gauge;

  constructor(private readonly options: MetricsOptions) {
    this.ns = options.netnsLabel ? ['netns'] : [];
    const registers = [this.registry];
    const ns = this.ns;
    this.netstat = new Counter({
      name: 'mptcp_netstat_total',
      help: "MPTCP counters of the namespace (MPTcpExt in /proc/net/netstat), by the kernel's name",
      labelNames: ['counter', ...ns],
      registers,
    });
    this.netstatCurrent = new Gauge({
      name: 'mptcp_netstat_current',
      help: 'MPTcpExt values that also go down (e.g. MPCurrEstab: connections established now), by the kernel name',
      labelNames: ['counter', ...ns],
      registers,
    });
    this.endpoint = new Gauge({
      name: 'mptcp_endpoint_info',
      help: 'In-kernel path-manager endpoints (always 1): id, address, device and flags',
      labelNames: ['id', 'address', 'dev', 'flags', ...ns],
      registers,
    });
    this.limitSubflows = new Gauge({ name: 'mptcp_limit_subflows', help: 'Limit: additional subflows per connection', labelNames: ns, registers });
    this.limitAddAddr = new Gauge({ name: 'mptcp_limit_add_addr_accepted', help: 'Limit: ADD_ADDRs accepted per connection', labelNames: ns, registers });
    this.connections = new Gauge({
      name: 'mptcp_connections',
      help: 'Live MPTCP connections (listeners included), by state and side',
      labelNames: ['state', 'side', ...ns],
      registers,
    });
    this.subflows = new Gauge({
      name: 'mptcp_subflows',
      help: 'Live MPTCP subflows, by TCP state, interface (of the local address) and backup priority',
      labelNames: ['state', 'interface', 'backup', ...ns],
      registers,
    });
    this.up = new Gauge({ name: 'mptcp_namespace_up', help: 'Whether every part of the namespace could be read at the last scrape (1) or not (0)', labelNames: ns, registers });
    if (!options.exporter) return;
    this.events = new Counter({
      name: 'mptcp_events_total',
      help: 'Path-manager events seen by the background monitor since the exporter started, by type',
      labelNames: ['event', ...ns],
      registers,
    });
    this.eventsLost = new Counter({ name: 'mptcp_events_lost_total', help: "Path-manager events the kernel dropped before the monitor read them", labelNames: ns, registers });
    this.scrapeErrors = new Counter({
      name: 'mptcp_exporter_scrape_errors_total',
      help: 'Parts of a namespace that could not be read, by part (counters, endpoints, limits, interfaces, connections, netns, events)',
      labelNames: ['part', ...ns],
      registers,
    });
    this.scrapeDuration = new Gauge({ name: 'mptcp_exporter_scrape_duration_seconds', help: 'How long the last reading of the namespaces took', registers });
  }

  /** The `netns` label of a namespace, when labelled. */
  labels(netns: string | undefined): Labels {
    return this.options.netnsLabel ? { netns: netns ?? '' } : {};
  }

  /** Clears the per-scrape series: values of namespaces or endpoints that are gone must not linger. */
  beginScrape(): void {
    for (const m of [this.netstat, this.netstatCurrent, this.endpoint, this.limitSubflows, this.limitAddAddr, this.connections, this.subflows, this.up]) m.reset();
  }

  /** Sets the series of one namespace from its sample. */
  record(netns: string | undefined, sample: NamespaceSample): void {
    const ns = this.labels(netns);
    for (const c of sample.counters ?? []) {
      if (gaugeCounters.has(c.name)) this.netstatCurrent.set({ counter: c.name, ...ns }, c.value);
      else this.netstat.inc({ counter: c.name, ...ns }, c.value);
    }
    const names = sample.interfaces ?? new Map<number, string>();
    for (const e of sample.endpoints ?? []) {
      this.endpoint.set({ id: String(e.id), address: e.address, dev: e.ifindex ? (names.get(e.ifindex) ?? `if${e.ifindex}`) : '', flags: endpointFlags(e.flags), ...ns }, 1);
    }
    if (sample.limits) {
      this.limitSubflows.set(ns, sample.limits.subflows);
      this.limitAddAddr.set(ns, sample.limits.addAddrAccepted);
    }
    if (sample.connections) countInto(this.connections, sample.connections, (c) => ({ state: c.state, side: c.side }), ns);
    if (sample.subflows) {
      const addresses = sample.addresses ?? [];
      countInto(this.subflows, sample.subflows, (s) => ({ state: s.state, interface: subflowInterface(s, names, addresses), backup: s.backup ? '1' : '0' }), ns);
    }
    this.up.set(ns, sample.errors.length ? 0 : 1);
    for (const { part } of sample.errors) this.scrapeErrors?.inc({ part, ...ns });
  }

  /** Starts the event series of `netns` at 0, so that rate() has a start before the first event. */
  startEvents(netns: string | undefined): void {
    for (const type of eventNames.keys()) this.events?.inc({ event: eventLabel(type), ...this.labels(netns) }, 0);
    this.eventsLost?.inc(this.labels(netns), 0);
  }

  /** One event seen by the monitor of `netns`. */
  countEvent(netns: string | undefined, type: number): void {
    this.events?.inc({ event: eventLabel(type), ...this.labels(netns) });
  }

  /** The text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
