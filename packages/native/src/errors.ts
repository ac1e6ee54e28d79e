/** Why a native operation failed; stable strings, safe to switch on. */
export const NativeErrorCode = {
  /** The compiled addon is missing: it was never built or the build failed. */
  AddonNotBuilt: 'ADDON_NOT_BUILT',
  /** A shared library the addon links against (libX11, libXdamage, ...) is not installed. */
  MissingLibrary: 'MISSING_LIBRARY',
  /** The addon was built for another Node.js ABI, architecture or C library. */
  AbiMismatch: 'ABI_MISMATCH',
  /** The addon could not be loaded for a reason not listed above. */
  LoadFailed: 'LOAD_FAILED',
  /** No desktop backend exists for this operating system. */
  UnsupportedPlatform: 'UNSUPPORTED_PLATFORM',
  /** No display was given and `DISPLAY` is not set. */
  NoDisplay: 'NO_DISPLAY',
  /** The X server is not running at that address or refused this client. */
  DisplayRefused: 'DISPLAY_REFUSED',
  /** The X server lacks an extension this package needs (MIT-SHM, DAMAGE, XFIXES, RANDR, XTEST, XKEYBOARD). */
  MissingExtension: 'MISSING_EXTENSION',
  /** A rectangle lies outside the screen or a frame, or a frame is too small. */
  OutOfBounds: 'OUT_OF_BOUNDS',
  /** An argument has the wrong type or an impossible value. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** The scancode names no key of the keyboard. */
  InvalidScancode: 'INVALID_SCANCODE',
  /** The window is not (or no longer) one of the listed top-level windows, or the server refused to act on it. */
  NoSuchWindow: 'NO_SUCH_WINDOW',
  /** The X server rejected a capture request. */
  CaptureFailed: 'CAPTURE_FAILED',
  /**
   * The X server went away (it exited, crashed or dropped this client). Raised once through `onLost`, then
   * by every call on that display's objects; the process itself is unaffected.
   */
  DisplayLost: 'DISPLAY_LOST',
  /** Another rdshare session (in this process or another) has claimed the display with `claimDisplay()`. */
  DisplayInUse: 'DISPLAY_IN_USE',
  /** The object was used after `close()`. */
  Closed: 'CLOSED',
  /** OpenH264 (`libopenh264.so.7`) is not installed or not usable; only the H.264 classes are affected. */
  H264Unavailable: 'H264_UNAVAILABLE',
  /** A caller-owned output buffer cannot hold the result; the message says how many bytes are needed. */
  OutputTooSmall: 'OUTPUT_TOO_SMALL',
  /** `H264Encoder.encode()` was called while the previous encode was still running. */
  EncoderBusy: 'ENCODER_BUSY',
  /** `H264Encoder.encode()` was called after `close()`. */
  EncoderClosed: 'ENCODER_CLOSED',
  /** OpenH264 refused to create, configure or run an encoder. */
  EncodeFailed: 'ENCODE_FAILED',
  /** `H264Decoder.decode()` was called while too many earlier decodes were still queued. */
  DecoderBusy: 'DECODER_BUSY',
  /** The access unit is not decodable H.264 (or OpenH264 could not create a decoder). */
  DecodeFailed: 'DECODE_FAILED',
} as const;
export type NativeErrorCode = (typeof NativeErrorCode)[keyof typeof NativeErrorCode];

/** Every error this package raises; `code` says what went wrong, the message says how to fix it where possible. */
export class NativeError extends Error {
  override readonly name = 'NativeError';

  constructor(
    readonly code: NativeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const knownCodes = new Set<string>(Object.values(NativeErrorCode));

/** Turns an error thrown by the addon (a plain Error with a `code` string) into a NativeError. */
export function toNativeError(error: unknown): unknown {
  if (error instanceof NativeError) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && knownCodes.has(code))
      return new NativeError(code as NativeErrorCode, error.message);
  }
  return error;
}
