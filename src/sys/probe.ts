/**
 * Test seam, never set by production code: counts what this process asks of the kernel, and lets
 * a test refuse it. Tests compare the counters before and after a call to prove that nothing was
 * opened, sent or entered (e.g. for a rejected command line), and set `guard` so that nothing
 * in-process can reach the real kernel by accident. Here, at the bottom, because entering a
 * namespace (src/sys/netns.ts) is counted and guarded as well as a netlink socket's open and sends.
 */
export interface TransportProbe {
  /** Calls of NetlinkTransport.open, counted before anything native happens. */
  opens: number;
  /** Messages handed to sendto. */
  sends: number;
  /** setns calls (entering a namespace and coming back are two). */
  setns: number;
  /** Called at every open and every namespace switch before anything native; throwing refuses it. */
  guard: ((what: { protocol?: number; netns?: string }) => void) | undefined;
}

export const transportProbe: TransportProbe = { opens: 0, sends: 0, setns: 0, guard: undefined };
