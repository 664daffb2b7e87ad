/**
 * Each action's words checked without running it: what a batch file is read through before its
 * first request is sent (batch.ts), so that a usage error on any line leaves everything as it was.
 * The checks are the commands' own parsers; `dev NAME` is looked up in the namespace's interface
 * list (a read, as the command itself would do), since a missing interface is a usage error too.
 */
import type { Session } from './session.js';
import { parseLimitsArgs, type EndpointVerb } from './grammar.js';
import { endpointDevice, parseEndpointCommand } from './commands/endpoint.js';

type Check = (session: Session, words: string[]) => Promise<unknown> | void;

const userspace = () => import('./grammar-userspace.js');

const withDevice = async (session: Session, dev: string | undefined): Promise<void> => {
  if (dev !== undefined) await session.interfaceIndex(dev);
};

const endpoint =
  (verb: EndpointVerb): Check =>
  (session, words) =>
    withDevice(session, endpointDevice(parseEndpointCommand(verb, words).args));

/** By object and verb, as the actions table (actions.ts); every action has its check. */
export const checks: Record<string, Record<string, Check>> = {
  endpoint: {
    add: endpoint('add'),
    change: endpoint('change'),
    delete: endpoint('delete'),
    show: endpoint('show'),
    // ip ignores anything after flush; so does the command.
    flush: () => undefined,
  },
  limits: {
    set: (_, words) => void parseLimitsArgs(words),
    show: (_, words) => void parseLimitsArgs(words),
  },
  announce: { announce: async (session, words) => withDevice(session, (await userspace()).parseAnnounceArgs(words).dev) },
  remove: { remove: async (_, words) => (await userspace()).parseRemoveArgs(words) },
  subflow: {
    create: async (session, words) => withDevice(session, (await userspace()).parseSubflowCreateArgs(words).local.dev),
    destroy: async (_, words) => (await userspace()).parseSubflowDestroyArgs(words),
    show: async (_, words) => (await import('./commands/connection.js')).parseTokenFilter(words),
  },
  connection: { show: async (_, words) => (await import('./commands/connection.js')).parseTokenFilter(words) },
  status: { status: async (_, words) => (await import('./commands/status.js')).checkStatusWords(words) },
};

/** Throws what running `object verb words` would throw for a usage error, without sending anything. */
export async function checkAction(session: Session, object: string, verb: string, words: string[]): Promise<void> {
  await checks[object]![verb]!(session, words);
}
