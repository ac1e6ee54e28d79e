import type { Size } from './geometry.js';

/** A window as the addon reports it. */
export interface RawWindow {
  id: number;
  title: string;
  pid: number;
  application: string;
  instance: string;
  x: number;
  y: number;
  width: number;
  height: number;
  frameX: number;
  frameY: number;
  frameWidth: number;
  frameHeight: number;
  mapped: boolean;
  stackIndex: number;
}

export interface RawCursor {
  width: number;
  height: number;
  xhot: number;
  yhot: number;
  x: number;
  y: number;
  serial: number;
  pixels: Uint8Array;
}

export interface RawLocks {
  caps: boolean;
  num: boolean;
  scroll: boolean;
}

/** How the event thread follows the pointer (for tests and diagnostics). */
export interface RawStats {
  /** Motion arrives as XInput 2 raw events; false means the position is sampled every 16 ms. */
  rawMotion: boolean;
  /** XQueryPointer round trips the event thread has made. */
  pointerQueries: number;
  /** Captures the X server wrote straight into a frame of shared memory (no copy). */
  capturesInPlace: number;
}

/** One delivery from the event thread: whatever happened since the previous one. */
export interface RawDelivery {
  damage?: Int32Array;
  resize?: Size;
  cursor?: RawCursor;
  pointer?: { x: number; y: number };
  windows?: { type: 'opened' | 'closed' | 'updated'; window: RawWindow }[];
  /** The whole popup list, when it changed. */
  popups?: RawWindow[];
  locks?: RawLocks;
  lost?: true;
}

/** The addon's per-display object (src/native/native_desktop.cc). */
export interface RawDesktop {
  geometry(): { width: number; height: number; depth: number };
  capture(
    x: number,
    y: number,
    width: number,
    height: number,
    target: Uint8Array,
    offset: number,
    stride: number,
  ): Promise<void>;
  /** Zeroed memory the X server captures into without a copy; undefined when shared memory runs out. */
  allocateShared(bytes: number): ArrayBuffer | undefined;
  setInterest(damage: boolean, pointer: boolean, damageIntervalMs: number): void;
  setRef(keepAlive: boolean): void;
  cursor(): RawCursor | null;
  pointer(): Promise<{ x: number; y: number }>;
  windows(): RawWindow[];
  popups(): RawWindow[];
  /** Rejects with `NO_SUCH_WINDOW` (thrown synchronously when the id is not listed). */
  activate(id: number): Promise<void>;
  locks(): RawLocks;
  key(scancode: number, extended: boolean, down: boolean): void;
  unicode(codePoint: number, down: boolean): void;
  move(x: number, y: number): void;
  button(button: number, down: boolean): void;
  setLocks(caps: boolean, num: boolean, scroll: boolean): void;
  stats(): RawStats;
  close(): void;
}

/** The addon's display claim (src/native/display_claim.cc). */
export interface RawClaim {
  release(): void;
}

/** What `loadOpenH264` reports: the library it loaded, or every candidate it tried and why each failed. */
export type RawOpenH264 =
  | { path: string; version: string; attempts?: undefined }
  | { attempts: { path: string; error: string }[] };

/** The addon's OpenH264 encoder (src/native/h264_encoder.cc). */
export interface RawH264Encoder {
  /** Throws (synchronously) ENCODER_CLOSED, ENCODER_BUSY, INVALID_ARGUMENT or OUT_OF_BOUNDS. */
  encode(
    frame: Uint8Array,
    stride: number,
    output: Uint8Array,
    keyFrame: boolean,
    changed: Int32Array | undefined,
  ): Promise<{ byteLength: number; keyFrame: boolean }>;
  /** Throws ENCODER_CLOSED or INVALID_ARGUMENT; the next encode takes the rate. */
  setRate(frameRate: number, bitrate: number): void;
  encodeI420(
    y: Uint8Array,
    u: Uint8Array,
    v: Uint8Array,
    yStride: number,
    uvStride: number,
    output: Uint8Array,
    keyFrame: boolean,
  ): Promise<{ byteLength: number; keyFrame: boolean }>;
  close(): void;
}

/** The addon's OpenH264 decoder (src/native/h264_decoder.cc). */
export interface RawH264Decoder {
  /** One at a time: the TypeScript layer queues. */
  decode(
    accessUnit: Uint8Array,
    output: Uint8Array,
    planes?: boolean,
  ): Promise<{ width: number; height: number } | undefined>;
  close(): void;
}

/** What `rdshare_native.node` exports. */
export interface NativeAddon {
  /** Throws an error with code `DISPLAY_IN_USE` and `holderPid`, `holderName`, `holderHost` when taken. */
  DisplayClaim: new (
    display: string,
    name: string,
    pid: number,
  ) => RawClaim;
  NativeDesktop: new (display: string, onEvent: (delivery: RawDelivery) => void) => RawDesktop;
  diffTiles(
    stored: Uint8Array,
    storedOffset: number,
    storedStride: number,
    incoming: Uint8Array,
    incomingOffset: number,
    incomingStride: number,
    x: number,
    y: number,
    width: number,
    height: number,
    tileSize: number,
    copy: boolean,
  ): Promise<Int32Array>;
  /** dlopens the first usable candidate; once one has loaded it is returned whatever is passed. */
  loadOpenH264(candidates: string[]): RawOpenH264;
  /** Needs a successful loadOpenH264 first. */
  H264Encoder: new (
    width: number,
    height: number,
    frameRate: number,
    bitrate: number,
    screen: boolean,
    temporalLayers: number,
    qp: number,
  ) => RawH264Encoder;
  H264Decoder: new () => RawH264Decoder;
  bgrxToYuv444(
    frame: Uint8Array,
    stride: number,
    width: number,
    height: number,
    y: Uint8Array,
    u: Uint8Array,
    v: Uint8Array,
    planeStride: number,
  ): Promise<void>;
  /** Each copy is 11 int32 fields: from, fromX, fromY, stepX, stepY, to, toX, toY, width, height, mean. */
  shufflePlanes(planes: Uint8Array[], strides: number[], copies: Int32Array): Promise<void>;
}
