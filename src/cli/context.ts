/** What every command action receives: output choices, the session, and where to write. */
import type { OutputOptions } from './output/format.js';
import type { Session } from './session.js';

export interface CommandContext {
  out: OutputOptions;
  session: Session;
  /** `-v`: say what was done after a change (silent by default, like ip). */
  verbose: boolean;
  write(text: string): void;
  /** Diagnostics for people (stderr). */
  note(text: string): void;
}
