import { ProtocolError } from '../core/errors.js';

/**
 * The RC4 stream cipher ([SCHNEIER] 17.1), which Standard RDP Security uses for bulk encryption and key
 * updates (MS-RDPBCGR 5.3.6.1, 5.3.7.1). The state carries over between calls, as RDP runs one cipher stream
 * per direction for up to 4096 packets. `process` is on the per-packet hot path, so it allocates nothing when
 * given an output buffer (which may be the input itself).
 */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length === 0 || key.length > 256) {
      throw new ProtocolError('INVALID', `RC4 key length ${key.length} not in 1..256`, 'RC4');
    }
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    let j = 0;
    const n = key.length;
    for (let k = 0; k < 256; k++) {
      const t = s[k];
      j = (j + t + key[k % n]) & 0xff;
      s[k] = s[j];
      s[j] = t;
    }
  }

  /** XORs `input` with the next key-stream bytes into `output` (a new array when omitted; may be `input`). */
  process(input: Uint8Array, output: Uint8Array = new Uint8Array(input.length)): Uint8Array {
    if (output.length < input.length) {
      throw new ProtocolError('INVALID', `output of ${output.length} bytes for ${input.length} input bytes`, 'RC4');
    }
    const s = this.s;
    let i = this.i;
    let j = this.j;
    const n = input.length;
    for (let k = 0; k < n; k++) {
      i = (i + 1) & 0xff;
      const si = s[i];
      j = (j + si) & 0xff;
      const sj = s[j];
      s[i] = sj;
      s[j] = si;
      output[k] = input[k] ^ s[(si + sj) & 0xff];
    }
    this.i = i;
    this.j = j;
    return output;
  }
}
