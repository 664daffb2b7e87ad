/**
 * How tokens are printed everywhere: 8 hex digits in text (ip's monitor `token=%08x`), `0x` +
 * unpadded hex in JSON (ip 7.1's monitor JSON). `token TOKEN` parses both (grammar/words.ts parseToken).
 */
export const tokenText = (token: number): string => token.toString(16).padStart(8, '0');
export const tokenJson = (token: number): string => `0x${token.toString(16)}`;
