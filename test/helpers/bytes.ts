/**
 * Byte vectors written as hex text in tests. Whitespace and `|` separate groups, and `#` starts a
 * comment that runs to the end of the line, so a vector can name its fields:
 *   hex(`0600 0500 7427 0000   # port 10100, host order`)
 */
export function hex(text: string): Buffer {
  const digits = text.replace(/#[^\n]*/g, '').replace(/[\s|]/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not a hex byte string: ${text}`);
  return Buffer.from(digits, 'hex');
}

/** Hex text of `bytes`, for assertions whose failures show readable diffs. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
