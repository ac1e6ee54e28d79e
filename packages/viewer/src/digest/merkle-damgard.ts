/** Message block size of MD5, SHA-1 and SHA-256, in bytes. */
const BLOCK = 64;

/**
 * Merkle-Damgård padding shared by MD5, SHA-1 and SHA-256: a 1 bit, zeros, and the bit length in 64 bits
 * (little-endian for MD5, big-endian for the SHAs).
 */
export function pad(data: Uint8Array, littleEndian: boolean): Uint8Array {
  const length = Math.ceil((data.length + 9) / BLOCK) * BLOCK;
  const out = new Uint8Array(length);
  out.set(data);
  out[data.length] = 0x80;
  const view = new DataView(out.buffer);
  const bits = data.length * 8;
  const high = Math.floor(bits / 2 ** 32);
  const low = bits >>> 0;
  if (littleEndian) {
    view.setUint32(length - 8, low, true);
    view.setUint32(length - 4, high, true);
  } else {
    view.setUint32(length - 8, high);
    view.setUint32(length - 4, low);
  }
  return out;
}

/** The digest: the state words in order, each little-endian (MD5) or big-endian (the SHAs). */
export function wordBytes(words: ArrayLike<number>, littleEndian: boolean): Uint8Array {
  const out = new DataView(new ArrayBuffer(words.length * 4));
  for (let i = 0; i < words.length; i++) out.setUint32(i * 4, words[i], littleEndian);
  return new Uint8Array(out.buffer);
}
