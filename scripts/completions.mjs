// Writes the completion scripts in completions/ from the built CLI (`npm run build` first), as
// `mptcpctl completion SHELL` prints them. test/unit/completion.test.ts fails when they are stale.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = { bash: 'completions/mptcpctl.bash', zsh: 'completions/_mptcpctl', fish: 'completions/mptcpctl.fish' };
mkdirSync(resolve(root, 'completions'), { recursive: true });
for (const [shell, file] of Object.entries(files)) {
  const script = execFileSync(process.execPath, [resolve(root, 'dist/mptcpctl.cjs'), 'completion', shell], { encoding: 'utf8' });
  writeFileSync(resolve(root, file), script);
  process.stderr.write(`wrote ${file}\n`);
}
