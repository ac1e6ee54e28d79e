/**
 * Text on an application channel travels as the bytes of a BSTR: UTF-16LE code units, no terminator. That is
 * what Windows' IRDPSRAPIVirtualChannel::SendData(bstrData) puts on the wire and what OnChannelDataReceived hands
 * over, and what RdpSession's `sendData(string)` sends, so text round-trips between any of them.
 */
const BYTES_PER_CODE_UNIT = 2;

/** The UTF-16LE bytes of `text`, as `sendData(string)` sends them. */
export function encodeChannelText(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * BYTES_PER_CODE_UNIT);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[i * BYTES_PER_CODE_UNIT] = unit & 0xff;
    bytes[i * BYTES_PER_CODE_UNIT + 1] = unit >> 8;
  }
  return bytes;
}

/**
 * The text in channel bytes a sharer sent as a string (`channelDataReceived$`'s `data`). An odd trailing byte
 * cannot be a code unit and is dropped; lone surrogates stay as they are, as in a BSTR.
 *
 * @example
 * viewer.events.channelDataReceived$.subscribe(({ data }) => console.log(decodeChannelText(data)));
 */
export function decodeChannelText(data: Uint8Array): string {
  const units = Math.floor(data.byteLength / BYTES_PER_CODE_UNIT);
  let text = '';
  for (let i = 0; i < units; i++)
    text += String.fromCharCode(data[i * BYTES_PER_CODE_UNIT] | (data[i * BYTES_PER_CODE_UNIT + 1] << 8));
  return text;
}
