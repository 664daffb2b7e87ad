/**
 * How results are printed: the format (ip-compatible text, a table, JSON) and colour, decided
 * once from the options, the environment and whether stdout is a terminal.
 */
import { UsageError } from '../../errors.js';

export type Format = 'text' | 'table' | 'json';
export type ColorWhen = 'auto' | 'always' | 'never';

export interface OutputOptions {
  format: Format;
  /** JSON: ip's `-p` layout. */
  pretty: boolean;
  /** ANSI colours on (table, and ip 7.x colours in text). */
  color: boolean;
  /** Text: records end with `\\` instead of a newline (ip 7.1's `-o`). */
  oneline: boolean;
  /** Tables: the terminal's width in columns (COLUMNS, else the terminal's own), if known. */
  width?: number;
  /** Endpoint addresses as host names where the resolver knows one (ip's `-r`). */
  resolve: boolean;
}

export interface OutputChoice {
  format?: string;
  json?: boolean;
  pretty?: boolean;
  color?: string;
  oneline?: boolean;
  resolve?: boolean;
}

const formats = ['auto', 'text', 'table', 'json'] as const;
const colorChoices = ['auto', 'always', 'never'] as const;

/**
 * `auto` is a table on a terminal and ip's text otherwise, so pipes and `$(...)` always get the
 * stable contract. A non-empty NO_COLOR turns colour off unless asked for explicitly; a non-empty
 * FORCE_COLOR (other than 0) turns it on.
 */
export function resolveOutput(choice: OutputChoice, stdoutIsTTY: boolean, env: NodeJS.ProcessEnv, terminalColumns?: () => number | undefined): OutputOptions {
  const format = choice.format ?? (choice.json ? 'json' : 'auto');
  if (!formats.includes(format as (typeof formats)[number])) {
    throw new UsageError(`invalid format "${format}" (expected ${formats.join(', ')})`);
  }
  const when = choice.color ?? 'auto';
  if (!colorChoices.includes(when as ColorWhen)) {
    throw new UsageError(`invalid colour choice "${when}" (expected ${colorChoices.join(', ')})`);
  }
  let color: boolean;
  if (when === 'always') color = true;
  else if (when === 'never') color = false;
  else if (env['FORCE_COLOR'] && env['FORCE_COLOR'] !== '0') color = true;
  else color = stdoutIsTTY && !env['NO_COLOR'];
  const resolved: OutputOptions = {
    format: format === 'auto' ? (stdoutIsTTY ? 'table' : 'text') : (format as Format),
    pretty: choice.pretty ?? false,
    color,
    oneline: choice.oneline ?? false,
    resolve: choice.resolve ?? false,
  };
  if (resolved.format === 'table') {
    // COLUMNS first, as the shell's own setting; the terminal is asked only for a table.
    const fromEnv = /^[1-9][0-9]{0,4}$/.test(env['COLUMNS'] ?? '') ? Number(env['COLUMNS']) : undefined;
    const width = fromEnv ?? terminalColumns?.();
    if (width) resolved.width = width;
  }
  return resolved;
}

/** ip's text as printed under `-o`: every record ends with a backslash instead of a newline. */
export function textOutput(text: string, out: OutputOptions): string {
  return out.oneline ? text.replace(/\n/g, '\\') : text;
}
