/** Colours, loaded only when colour is on (chalk is not needed for plain output). */
import type { ChalkInstance } from 'chalk';

export interface Paint {
  ipv4(text: string): string;
  ipv6(text: string): string;
  ifname(text: string): string;
  heading(text: string): string;
  flag(text: string): string;
  dim(text: string): string;
}

const plain: Paint = { ipv4: (t) => t, ipv6: (t) => t, ifname: (t) => t, heading: (t) => t, flag: (t) => t, dim: (t) => t };

/** iproute2 7.x's colours: bold magenta IPv4, bold bright blue IPv6, bold cyan interface names. */
export async function paint(color: boolean): Promise<Paint> {
  if (!color) return plain;
  const { Chalk } = await import('chalk');
  const c: ChalkInstance = new Chalk({ level: 1 });
  return {
    ipv4: (t) => c.bold.magenta(t),
    ipv6: (t) => c.bold.blueBright(t),
    ifname: (t) => c.bold.cyan(t),
    heading: (t) => c.bold(t),
    flag: (t) => c.green(t),
    dim: (t) => c.dim(t),
  };
}

/** ip's colour span for one text item: the colour covers the item and its trailing space. */
export function ipColorSpan(code: string, text: string): string {
  return `\x1b[${code}m${text}\x1b[0m`;
}
