/**
 * README examples as data (pure). An example is a ```console block: `$ ` starts a command (a
 * trailing `\` continues it on the next line), and the lines after it, up to the next `$ `, are
 * what it prints (stdout and stderr together). An HTML comment `<!-- example: SCENARIO -->` just
 * before the block names the set-up it runs in (test/kernel/readme.test.ts). A ```ts block
 * right before a console block is saved as `example.mjs` for it to run; a ```yaml block whose
 * first line is `# NAME.yaml` is saved as NAME.yaml for the next console block.
 *
 * Outputs are compared line by line, trailing blanks ignored. A line ending in ` ...` matches any
 * line that starts like it. Values the kernel picks (connection tokens, ephemeral ports) match
 * any value of their kind; the value seen is then used for the README's spelling in the
 * commands that follow.
 */

export interface ReadmeCommand {
  command: string;
  expected: string[];
  /** 1-based line of the command in the README. */
  line: number;
}

export interface ReadmeExample {
  scenario: string;
  commands: ReadmeCommand[];
  /** The ```ts block just before, if any. */
  script?: string;
  /** ```yaml blocks named by their first line (`# NAME.yaml`) since the previous console block. */
  files?: { name: string; text: string }[];
  line: number;
}

/** The ```console blocks of a Markdown text, in order. */
export function readmeExamples(markdown: string, defaultScenario: string): ReadmeExample[] {
  const lines = markdown.split('\n');
  const examples: ReadmeExample[] = [];
  let lastScript: { text: string; end: number } | undefined;
  let files: { name: string; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (fence[1] === 'ts') lastScript = { text: body.join('\n'), end: i };
    const named = fence[1] === 'yaml' ? /^# ([\w.-]+\.yaml)$/.exec(body[0] ?? '') : null;
    if (named) files.push({ name: named[1]!, text: `${body.join('\n')}\n` });
    if (fence[1] !== 'console') continue;
    const marker = lines.slice(Math.max(0, start - 3), start).map((l) => /^<!-- example: ([\w-]+) -->$/.exec(l)?.[1]).filter(Boolean).pop();
    const example: ReadmeExample = { scenario: marker ?? defaultScenario, commands: [], line: start + 1 };
    // The script belongs to this block when only blank lines or comments lie between them.
    if (lastScript && lines.slice(lastScript.end + 1, start).every((l) => l.trim() === '' || l.startsWith('<!--'))) example.script = lastScript.text;
    if (files.length) example.files = files;
    files = [];
    for (let j = 0; j < body.length; j++) {
      const text = body[j]!;
      if (text.startsWith('$ ')) {
        let command = text.slice(2);
        const line = start + 2 + j;
        while (command.endsWith('\\') && j + 1 < body.length) command = `${command.slice(0, -1)}${body[++j]!.trimStart()}`;
        example.commands.push({ command, expected: [], line });
      } else if (example.commands.length) example.commands.at(-1)!.expected.push(text);
      else throw new Error(`README line ${start + 2 + j}: output before any command`);
    }
    examples.push(example);
  }
  return examples;
}

/** Values the kernel chooses: the README shows one, the run gets another. */
const VARIABLE = /(?<=token[= ]|"token":"0x)[0-9a-f]{8}\b|(?<=(?:sport|port)[= ]|"(?:local_|remote_|s|d)?port":|[0-9]:)(?:3[2-9]|[4-5][0-9]|60)[0-9]{3}\b/g;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches `actual` against the README's `expected` lines; returns the values learnt (README
 * spelling -> this run's), or a description of the first difference.
 */
export function matchOutput(expected: string[], actual: string, known: Map<string, string>): { ok: true; learnt: Map<string, string> } | { ok: false; why: string } {
  const want = trimEnd(expected);
  const got = trimEnd(actual.split('\n'));
  const learnt = new Map(known);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (w === undefined || g === undefined) return { ok: false, why: `line ${i + 1}: expected ${JSON.stringify(w ?? '(end)')}, got ${JSON.stringify(g ?? '(end)')}` };
    const prefix = w.endsWith(' ...');
    const pattern = prefix ? w.slice(0, -4) : w;
    const names: string[] = [];
    let source = '';
    let last = 0;
    const json: boolean[] = [];
    for (const m of pattern.matchAll(VARIABLE)) {
      source += escape(pattern.slice(last, m.index));
      // JSON writes tokens as ip does, "0x%x": without the leading zeros of the text form.
      const inJson = pattern.slice(0, m.index).endsWith('"token":"0x');
      const seen = learnt.get(m[0]);
      if (seen !== undefined) source += escape(inJson ? seen.replace(/^0+(?=.)/, '') : seen);
      else {
        source += /^[0-9]+$/.test(m[0]) && m[0].length <= 5 ? '([0-9]+)' : inJson ? '([0-9a-f]{1,8})' : '([0-9a-f]{8})';
        names.push(m[0]);
        json.push(inJson);
      }
      last = m.index + m[0].length;
    }
    source += escape(pattern.slice(last));
    const found = new RegExp(`^${source}${prefix ? '' : '$'}`).exec(g);
    if (!found) return { ok: false, why: `line ${i + 1}: expected ${JSON.stringify(w)}, got ${JSON.stringify(g)}` };
    names.forEach((name, k) => {
      const value = json[k] ? found[k + 1]!.padStart(8, '0') : found[k + 1]!;
      if (learnt.has(name) && learnt.get(name) !== value) return;
      learnt.set(name, value);
    });
  }
  return { ok: true, learnt };
}

/** Replaces README spellings of learnt values by this run's, as whole words. */
export function substitute(command: string, learnt: Map<string, string>): string {
  let out = command;
  for (const [from, to] of learnt) out = out.replace(new RegExp(`\\b${escape(from)}\\b`, 'g'), to);
  return out;
}

function trimEnd(lines: string[]): string[] {
  const out = lines.map((l) => l.replace(/\s+$/, ''));
  while (out.length && out.at(-1) === '') out.pop();
  return out;
}
