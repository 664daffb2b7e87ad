/**
 * JSON exactly as iproute2's json_writer prints it, compact (`-j`) or pretty (`-j -p`: `[ {`,
 * members on their own lines indented 4 spaces per level, `},{` between objects, `} ]`).
 * Scripts diff and parse ip's bytes; matching them lets mptcpctl replace ip unnoticed.
 */

/** A bigint (a u64 such as a sequence number) is printed as its exact decimal, as ip and ss print u64s. */
export type IpJsonValue = string | number | bigint | boolean | IpJsonObject | IpJsonValue[];
/** An object whose key order is the print order. */
export type IpJsonObject = { [key: string]: IpJsonValue | undefined };

export function ipJson(value: IpJsonValue, pretty: boolean): string {
  const w = new Writer(pretty);
  w.value(value);
  return `${w.out}\n`;
}

class Writer {
  out = '';
  private depth = 0;
  /** ip's `sep`: what to print before the next element ('' at the start of a container). */
  private sep = '';

  constructor(private readonly pretty: boolean) {}

  value(v: IpJsonValue): void {
    if (Array.isArray(v)) {
      this.begin('[');
      if (this.pretty) this.out += ' ';
      for (const item of v) this.value(item);
      if (this.pretty && this.sep) this.out += ' ';
      this.sep = '';
      this.end(']');
    } else if (typeof v === 'object') {
      this.begin('{');
      for (const [key, member] of Object.entries(v)) {
        if (member === undefined) continue;
        this.name(key);
        this.value(member);
      }
      this.end('}');
    } else {
      this.separate();
      // JSON.stringify cannot write a bigint, and a Number above 2^53 would print rounded.
      this.out += typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
    }
  }

  private separate(): void {
    this.out += this.sep;
    this.sep = ',';
  }

  private newline(): void {
    if (this.pretty) this.out += `\n${'    '.repeat(this.depth)}`;
  }

  private begin(c: string): void {
    this.separate();
    this.out += c;
    this.depth++;
    this.sep = '';
  }

  private end(c: string): void {
    this.depth--;
    if (this.sep) this.newline();
    this.out += c;
    this.sep = ',';
  }

  private name(key: string): void {
    this.separate();
    this.newline();
    this.sep = '';
    this.out += `${JSON.stringify(key)}:${this.pretty ? ' ' : ''}`;
  }
}
