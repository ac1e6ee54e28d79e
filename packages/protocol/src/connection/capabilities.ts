import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** TS_CAPS_SET.capabilitySetType (2.2.1.13.1.1.1). */
export const CapabilitySetType = {
  GENERAL: 1,
  BITMAP: 2,
  ORDER: 3,
  BITMAPCACHE: 4,
  CONTROL: 5,
  ACTIVATION: 7,
  POINTER: 8,
  SHARE: 9,
  COLORCACHE: 10,
  SOUND: 12,
  INPUT: 13,
  FONT: 14,
  BRUSH: 15,
  GLYPHCACHE: 16,
  OFFSCREENCACHE: 17,
  BITMAPCACHE_HOSTSUPPORT: 18,
  BITMAPCACHE_REV2: 19,
  VIRTUALCHANNEL: 20,
  DRAWNINEGRIDCACHE: 21,
  DRAWGDIPLUS: 22,
  RAIL: 23,
  WINDOW: 24,
  COMPDESK: 25,
  MULTIFRAGMENTUPDATE: 26,
  LARGE_POINTER: 27,
  SURFACE_COMMANDS: 28,
  BITMAP_CODECS: 29,
  FRAME_ACKNOWLEDGE: 30,
} as const;
export type CapabilitySetType = (typeof CapabilitySetType)[keyof typeof CapabilitySetType];

/** TS_GENERAL_CAPABILITYSET.extraFlags (2.2.7.1.1). */
export const GeneralExtraFlag = {
  FASTPATH_OUTPUT_SUPPORTED: 0x0001,
  LONG_CREDENTIALS_SUPPORTED: 0x0004,
  AUTORECONNECT_SUPPORTED: 0x0008,
  ENC_SALTED_CHECKSUM: 0x0010,
  NO_BITMAP_COMPRESSION_HDR: 0x0400,
} as const;

/** TS_INPUT_CAPABILITYSET.inputFlags (2.2.7.1.6). */
export const InputFlag = {
  SCANCODES: 0x0001,
  MOUSEX: 0x0004,
  FASTPATH_INPUT: 0x0008,
  UNICODE: 0x0010,
  FASTPATH_INPUT2: 0x0020,
  MOUSE_HWHEEL: 0x0100,
  QOE_TIMESTAMPS: 0x0200,
  MOUSE_RELATIVE: 0x0400,
} as const;

/** TS_ORDER_CAPABILITYSET.orderFlags (2.2.7.1.3). */
export const OrderFlag = {
  NEGOTIATEORDERSUPPORT: 0x0002,
  ZEROBOUNDSDELTASSUPPORT: 0x0008,
  COLORINDEXSUPPORT: 0x0020,
  SOLIDPATTERNBRUSHONLY: 0x0040,
  ORDERFLAGS_EXTRA_FLAGS: 0x0080,
} as const;

/** TS_SURFCMDS_CAPABILITYSET.cmdFlags (2.2.7.2.9). */
export const SurfaceCommandFlag = { SET_SURFACE_BITS: 0x02, FRAME_MARKER: 0x10, STREAM_SURFACE_BITS: 0x40 } as const;

/** TS_LARGE_POINTER_CAPABILITYSET.largePointerSupportFlags (2.2.7.2.7). */
export const LargePointerFlag = { SUPPORT_96x96: 0x1, SUPPORT_384x384: 0x2 } as const;

/** Codec GUIDs of TS_BITMAPCODEC (2.2.7.2.10.1.1), in the textual form `{xxxxxxxx-xxxx-...}` lower-case. */
export const CodecGuid = {
  NSCODEC: 'ca8d1bb9-000f-154f-589f-ae2d1a87e2d6',
  REMOTEFX: '76772f12-bd72-4463-afb3-b73c9c6f7886',
  IMAGE_REMOTEFX: '2744ccd4-9d8a-4e74-803c-0ecbeea19c54',
  IGNORE: '9c4351a6-3535-42ae-910c-cdfce5760b58',
} as const;

type FieldKind = 'u8' | 'u16' | 'u32' | number;
/** [name (null = padding), kind (a number = that many raw bytes), optional trailing field]. */
type Field = readonly [string | null, FieldKind, true?];

const LAYOUTS = {
  [CapabilitySetType.GENERAL]: [
    ['osMajorType', 'u16'],
    ['osMinorType', 'u16'],
    ['protocolVersion', 'u16'],
    [null, 'u16'],
    ['generalCompressionTypes', 'u16'],
    ['extraFlags', 'u16'],
    ['updateCapabilityFlag', 'u16'],
    ['remoteUnshareFlag', 'u16'],
    ['generalCompressionLevel', 'u16'],
    ['refreshRectSupport', 'u8'],
    ['suppressOutputSupport', 'u8'],
  ],
  [CapabilitySetType.BITMAP]: [
    ['preferredBitsPerPixel', 'u16'],
    ['receive1BitPerPixel', 'u16'],
    ['receive4BitsPerPixel', 'u16'],
    ['receive8BitsPerPixel', 'u16'],
    ['desktopWidth', 'u16'],
    ['desktopHeight', 'u16'],
    [null, 'u16'],
    ['desktopResizeFlag', 'u16'],
    ['bitmapCompressionFlag', 'u16'],
    ['highColorFlags', 'u8'],
    ['drawingFlags', 'u8'],
    ['multipleRectangleSupport', 'u16'],
    [null, 'u16'],
  ],
  [CapabilitySetType.ORDER]: [
    ['terminalDescriptor', 16],
    [null, 'u32'],
    ['desktopSaveXGranularity', 'u16'],
    ['desktopSaveYGranularity', 'u16'],
    [null, 'u16'],
    ['maximumOrderLevel', 'u16'],
    ['numberFonts', 'u16'],
    ['orderFlags', 'u16'],
    ['orderSupport', 32],
    ['textFlags', 'u16'],
    ['orderSupportExFlags', 'u16'],
    [null, 'u32'],
    ['desktopSaveSize', 'u32'],
    [null, 'u16'],
    [null, 'u16'],
    ['textANSICodePage', 'u16'],
    [null, 'u16'],
  ],
  [CapabilitySetType.BITMAPCACHE]: [
    [null, 24],
    ['cache0Entries', 'u16'],
    ['cache0MaximumCellSize', 'u16'],
    ['cache1Entries', 'u16'],
    ['cache1MaximumCellSize', 'u16'],
    ['cache2Entries', 'u16'],
    ['cache2MaximumCellSize', 'u16'],
  ],
  [CapabilitySetType.BITMAPCACHE_REV2]: [
    ['cacheFlags', 'u16'],
    [null, 'u8'],
    ['numCellCaches', 'u8'],
    ['cellInfo0', 'u32'],
    ['cellInfo1', 'u32'],
    ['cellInfo2', 'u32'],
    ['cellInfo3', 'u32'],
    ['cellInfo4', 'u32'],
    [null, 12],
  ],
  [CapabilitySetType.CONTROL]: [
    ['controlFlags', 'u16'],
    ['remoteDetachFlag', 'u16'],
    ['controlInterest', 'u16'],
    ['detachInterest', 'u16'],
  ],
  [CapabilitySetType.ACTIVATION]: [
    ['helpKeyFlag', 'u16'],
    ['helpKeyIndexFlag', 'u16'],
    ['helpExtendedKeyFlag', 'u16'],
    ['windowManagerKeyFlag', 'u16'],
  ],
  [CapabilitySetType.POINTER]: [
    ['colorPointerFlag', 'u16'],
    ['colorPointerCacheSize', 'u16'],
    ['pointerCacheSize', 'u16', true],
  ],
  [CapabilitySetType.SHARE]: [
    ['nodeId', 'u16'],
    [null, 'u16'],
  ],
  [CapabilitySetType.COLORCACHE]: [
    ['colorTableCacheSize', 'u16'],
    [null, 'u16'],
  ],
  [CapabilitySetType.SOUND]: [
    ['soundFlags', 'u16'],
    [null, 'u16'],
  ],
  [CapabilitySetType.INPUT]: [
    ['inputFlags', 'u16'],
    [null, 'u16'],
    ['keyboardLayout', 'u32'],
    ['keyboardType', 'u32'],
    ['keyboardSubType', 'u32'],
    ['keyboardFunctionKey', 'u32'],
    ['imeFileName', 64],
  ],
  [CapabilitySetType.FONT]: [
    ['fontSupportFlags', 'u16', true],
    [null, 'u16', true],
  ],
  [CapabilitySetType.BRUSH]: [['brushSupportLevel', 'u32']],
  [CapabilitySetType.GLYPHCACHE]: [
    ['glyphCache', 40],
    ['fragCache', 'u32'],
    ['glyphSupportLevel', 'u16'],
    [null, 'u16'],
  ],
  [CapabilitySetType.OFFSCREENCACHE]: [
    ['offscreenSupportLevel', 'u32'],
    ['offscreenCacheSize', 'u16'],
    ['offscreenCacheEntries', 'u16'],
  ],
  [CapabilitySetType.VIRTUALCHANNEL]: [
    ['flags', 'u32'],
    ['vcChunkSize', 'u32', true],
  ],
  [CapabilitySetType.COMPDESK]: [['compDeskSupportLevel', 'u16']],
  [CapabilitySetType.MULTIFRAGMENTUPDATE]: [['maxRequestSize', 'u32']],
  [CapabilitySetType.LARGE_POINTER]: [['largePointerSupportFlags', 'u16']],
  [CapabilitySetType.SURFACE_COMMANDS]: [
    ['cmdFlags', 'u32'],
    [null, 'u32'],
  ],
  [CapabilitySetType.FRAME_ACKNOWLEDGE]: [['maxUnacknowledgedFrameCount', 'u32']],
} as const satisfies Record<number, readonly Field[]>;

type Layouts = typeof LAYOUTS;
type ValueOf<K> = K extends number ? Uint8Array : number;
type Named<F> = F extends readonly [infer N extends string, infer K, ...infer O]
  ? [N, ValueOf<K>, O extends [true] ? true : false]
  : never;
type FieldsOf<L extends readonly Field[]> = {
  [E in Named<L[number]> as E[2] extends true ? never : E[0]]: E[1];
} & {
  [E in Named<L[number]> as E[2] extends true ? E[0] : never]?: E[1];
};
type CapabilityOf<T extends keyof Layouts> = { type: T } & FieldsOf<Layouts[T]>;

export type GeneralCapability = CapabilityOf<typeof CapabilitySetType.GENERAL>;
export type BitmapCapability = CapabilityOf<typeof CapabilitySetType.BITMAP>;
export type OrderCapability = CapabilityOf<typeof CapabilitySetType.ORDER>;
export type BitmapCacheCapability = CapabilityOf<typeof CapabilitySetType.BITMAPCACHE>;
export type BitmapCacheRev2Capability = CapabilityOf<typeof CapabilitySetType.BITMAPCACHE_REV2>;
export type ControlCapability = CapabilityOf<typeof CapabilitySetType.CONTROL>;
export type ActivationCapability = CapabilityOf<typeof CapabilitySetType.ACTIVATION>;
export type PointerCapability = CapabilityOf<typeof CapabilitySetType.POINTER>;
export type ShareCapability = CapabilityOf<typeof CapabilitySetType.SHARE>;
export type ColorCacheCapability = CapabilityOf<typeof CapabilitySetType.COLORCACHE>;
export type SoundCapability = CapabilityOf<typeof CapabilitySetType.SOUND>;
export type InputCapability = CapabilityOf<typeof CapabilitySetType.INPUT>;
export type FontCapability = CapabilityOf<typeof CapabilitySetType.FONT>;
export type BrushCapability = CapabilityOf<typeof CapabilitySetType.BRUSH>;
export type GlyphCacheCapability = CapabilityOf<typeof CapabilitySetType.GLYPHCACHE>;
export type OffscreenCacheCapability = CapabilityOf<typeof CapabilitySetType.OFFSCREENCACHE>;
export type VirtualChannelCapability = CapabilityOf<typeof CapabilitySetType.VIRTUALCHANNEL>;
export type DesktopCompositionCapability = CapabilityOf<typeof CapabilitySetType.COMPDESK>;
export type MultifragmentUpdateCapability = CapabilityOf<typeof CapabilitySetType.MULTIFRAGMENTUPDATE>;
export type LargePointerCapability = CapabilityOf<typeof CapabilitySetType.LARGE_POINTER>;
export type SurfaceCommandsCapability = CapabilityOf<typeof CapabilitySetType.SURFACE_COMMANDS>;
export type FrameAcknowledgeCapability = CapabilityOf<typeof CapabilitySetType.FRAME_ACKNOWLEDGE>;

/** One TS_BITMAPCODEC entry (2.2.7.2.10.1.1). */
export interface BitmapCodec {
  /** Lower-case textual GUID, see {@link CodecGuid}. */
  guid: string;
  codecId: number;
  properties: Uint8Array;
}

export interface BitmapCodecsCapability {
  type: typeof CapabilitySetType.BITMAP_CODECS;
  codecs: BitmapCodec[];
}

/** A capability set this module does not model, kept as its body bytes. */
export interface RawCapability {
  type: number;
  raw: Uint8Array;
}

export type CapabilitySet =
  | GeneralCapability
  | BitmapCapability
  | OrderCapability
  | BitmapCacheCapability
  | BitmapCacheRev2Capability
  | ControlCapability
  | ActivationCapability
  | PointerCapability
  | ShareCapability
  | ColorCacheCapability
  | SoundCapability
  | InputCapability
  | FontCapability
  | BrushCapability
  | GlyphCacheCapability
  | OffscreenCacheCapability
  | VirtualChannelCapability
  | DesktopCompositionCapability
  | MultifragmentUpdateCapability
  | LargePointerCapability
  | SurfaceCommandsCapability
  | FrameAcknowledgeCapability
  | BitmapCodecsCapability;

/** The capability set of the given type in a list, typed. */
export function findCapability<T extends CapabilitySet['type']>(
  sets: readonly (CapabilitySet | RawCapability)[],
  type: T,
): Extract<CapabilitySet, { type: T }> | undefined {
  return sets.find((s) => s.type === type && !('raw' in s)) as Extract<CapabilitySet, { type: T }> | undefined;
}

function layoutOf(type: number): readonly Field[] | undefined {
  return (LAYOUTS as Record<number, readonly Field[]>)[type];
}

function guidToBytes(guid: string): Uint8Array {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new ProtocolError('INVALID', `bad GUID ${guid}`, 'TS_BITMAPCODEC');
  const b = (i: number) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const w = new ByteWriter(16);
  w.u32le(Number.parseInt(hex.slice(0, 8), 16))
    .u16le(Number.parseInt(hex.slice(8, 12), 16))
    .u16le(Number.parseInt(hex.slice(12, 16), 16));
  for (let i = 8; i < 16; i++) w.u8(b(i));
  return w.toBytes();
}

function bytesToGuid(r: ByteReader): string {
  const hex = (v: number, n: number) => v.toString(16).padStart(n, '0');
  const d1 = hex(r.u32le(), 8);
  const d2 = hex(r.u16le(), 4);
  const d3 = hex(r.u16le(), 4);
  const rest = Array.from(r.bytesView(8), (x) => hex(x, 2)).join('');
  return `${d1}-${d2}-${d3}-${rest.slice(0, 4)}-${rest.slice(4)}`;
}

function writeBody(w: ByteWriter, set: CapabilitySet | RawCapability): void {
  if ('raw' in set) {
    w.bytes(set.raw);
    return;
  }
  if (set.type === CapabilitySetType.BITMAP_CODECS) {
    w.u8(set.codecs.length);
    for (const c of set.codecs)
      w.bytes(guidToBytes(c.guid)).u8(c.codecId).u16le(c.properties.byteLength).bytes(c.properties);
    return;
  }
  const layout = layoutOf(set.type);
  if (!layout) throw new ProtocolError('UNSUPPORTED', `capability set ${set.type}`, 'TS_CAPS_SET');
  const values = set as unknown as Record<string, number | Uint8Array | undefined>;
  for (const [name, kind, optional] of layout) {
    const value = name === null ? undefined : values[name];
    if (optional && name !== null && value === undefined) break;
    if (typeof kind === 'number') {
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(kind);
      if (bytes.byteLength !== kind) throw new ProtocolError('INVALID', `${name} must be ${kind} bytes`, 'TS_CAPS_SET');
      w.bytes(bytes);
    } else {
      const v = typeof value === 'number' ? value : 0;
      if (kind === 'u8') w.u8(v);
      else if (kind === 'u16') w.u16le(v);
      else w.u32le(v);
    }
  }
}

function readBody(type: number, r: ByteReader): CapabilitySet | RawCapability {
  if (type === CapabilitySetType.BITMAP_CODECS) {
    const count = r.u8();
    const codecs: BitmapCodec[] = [];
    for (let i = 0; i < count; i++) {
      const guid = bytesToGuid(r);
      const codecId = r.u8();
      codecs.push({ guid, codecId, properties: r.bytesView(r.u16le(), 'codecProperties').slice() });
    }
    return { type, codecs };
  }
  const layout = layoutOf(type);
  if (!layout) return { type, raw: r.rest().slice() };
  const out: Record<string, number | Uint8Array> = { type };
  for (const [name, kind, optional] of layout) {
    const size = typeof kind === 'number' ? kind : kind === 'u8' ? 1 : kind === 'u16' ? 2 : 4;
    // Trailing fields are optional on the wire for some sets; older clients also send short sets.
    if (r.remaining < size && optional) break;
    const value =
      typeof kind === 'number'
        ? r.bytesView(kind).slice()
        : kind === 'u8'
          ? r.u8()
          : kind === 'u16'
            ? r.u16le()
            : r.u32le();
    if (name !== null) out[name] = value;
  }
  return out as unknown as CapabilitySet;
}

/** Encodes one TS_CAPS_SET (header + body). */
export function encodeCapabilitySet(set: CapabilitySet | RawCapability): Uint8Array {
  const body = new ByteWriter(96);
  writeBody(body, set);
  const length = body.offset + 4;
  if (length > 0xffff) throw new ProtocolError('OVERSIZE', `capability set of ${length} bytes`, 'TS_CAPS_SET');
  return new ByteWriter(length).u16le(set.type).u16le(length).bytes(body.written()).toBytes();
}

/** Encodes the capabilitySets array of a Demand/Confirm Active PDU and returns it with the set count. */
export function encodeCapabilitySets(sets: readonly (CapabilitySet | RawCapability)[]): Uint8Array {
  const w = new ByteWriter(512);
  for (const s of sets) w.bytes(encodeCapabilitySet(s));
  return w.toBytes();
}

/** Decodes `count` TS_CAPS_SET structures; unknown types come back as {@link RawCapability}. */
export function decodeCapabilitySets(bytes: Uint8Array, count: number): (CapabilitySet | RawCapability)[] {
  const r = new ByteReader(bytes, 'capabilitySets');
  const sets: (CapabilitySet | RawCapability)[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.u16le();
    const length = r.u16le();
    if (length < 4) throw new ProtocolError('INVALID', `capability set ${type} length ${length}`, 'TS_CAPS_SET');
    sets.push(readBody(type, r.sub(length - 4, `TS_CAPS_SET ${type}`)));
  }
  return sets;
}
