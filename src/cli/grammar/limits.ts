/** `limits set|show`: the words after the verb (pure). */
import { UsageError } from '../../errors.js';
import { LIMIT } from '../../mptcp/ranges.js';
import { didYouMean, matchKeyword, next, parseNumber, quote } from './words.js';

/** Arguments of `limits set|show`. */
export interface LimitsArgs {
  subflows?: number;
  addAddrAccepted?: number;
}

const limitKeywords = ['subflows', 'add_addr_accepted'] as const;

/** `[subflows N] [add_addr_accepted N]`, any order, last wins; each 0..8, the kernel's maximum (MPTCP_PM_ADDR_MAX). */
export function parseLimitsArgs(words: string[]): LimitsArgs {
  const args: LimitsArgs = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const keyword = matchKeyword(word, limitKeywords);
    if (!keyword) {
      const guess = didYouMean(word, limitKeywords);
      throw new UsageError(`unknown limit ${quote(word)}${guess ? `: did you mean "${guess}"?` : ' (expected subflows or add_addr_accepted)'}`);
    }
    const value = parseNumber(next(words, i++, keyword), keyword, LIMIT);
    if (keyword === 'subflows') args.subflows = value;
    else args.addAddrAccepted = value;
  }
  return args;
}
