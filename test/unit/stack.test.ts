/** Stack frames in the bundles mapped to source positions (src/cli/stack.ts), with a map given. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sourceMappedStack } from '../../src/cli/stack.js';

/** A map that knows one position of each bundle. */
const maps = (file: string) => ({
  findEntry: (line: number, column: number) =>
    file.endsWith('/dist/mptcpctl.cjs') && line === 1 && column === 26940
      ? { originalSource: '../src/cli/grammar.ts', originalLine: 94, originalColumn: 10 }
      : file === 'mptcpctl-lazy.cjs' && line === 0 && column === 99
        ? { originalSource: '../../node_modules/commander/lib/command.js', originalLine: 1121, originalColumn: 4 }
        : {},
});

describe('sourceMappedStack', () => {
  it('maps bundle frames (npm paths and the single executable\'s bare names), keeps the rest', () => {
    const stack = [
      'UsageError: invalid id "999"',
      '    at me (/usr/lib/node_modules/mptcpctl/dist/mptcpctl.cjs:2:26941)',
      '    at async mptcpctl-lazy.cjs:1:100',
      '    at /usr/lib/node_modules/mptcpctl/dist/mptcpctl.cjs:9:9',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n');
    assert.equal(
      sourceMappedStack(stack, maps),
      [
        'UsageError: invalid id "999"',
        '    at src/cli/grammar.ts:95:11',
        '    at async node_modules/commander/lib/command.js:1122:5',
        '    at /usr/lib/node_modules/mptcpctl/dist/mptcpctl.cjs:9:9',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      ].join('\n'),
    );
  });

  it('without a map the stack is left as it is', () => {
    const stack = 'Error: x\n    at me (/x/dist/mptcpctl.cjs:2:26941)';
    assert.equal(sourceMappedStack(stack, () => undefined), stack);
  });
});
