/** Bytes from a hex dump such as `"52 53 41 31"`; whitespace is ignored. */
export function hex(dump: string): Uint8Array {
  const digits = dump.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not a hex dump: ${dump}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}
