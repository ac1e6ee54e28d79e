/** The dynamic channel that carries the graphics pipeline (MS-RDPEGFX 1.3). */
export const GFX_CHANNEL_NAME = 'Microsoft::Windows::RDS::Graphics';

/** RDPGFX_CAPSET version values (MS-RDPEGFX 2.2.3.x), in the order they were introduced. */
export const GfxCapsVersion = {
  VERSION8: 0x00080004,
  VERSION81: 0x00080105,
  VERSION10: 0x000a0002,
  VERSION101: 0x000a0100,
  VERSION102: 0x000a0200,
  VERSION103: 0x000a0301,
  VERSION104: 0x000a0400,
  VERSION105: 0x000a0502,
  VERSION106: 0x000a0600,
  VERSION107: 0x000a0701,
} as const;
export type GfxCapsVersion = (typeof GfxCapsVersion)[keyof typeof GfxCapsVersion];

/** Capability flags (MS-RDPEGFX 2.2.3.1 to 2.2.3.10); which apply depends on the version. */
export const GfxCapsFlags = {
  THINCLIENT: 0x01,
  SMALL_CACHE: 0x02,
  /** 8.1: the client decodes AVC420. */
  AVC420_ENABLED: 0x10,
  /** 10.x: the client decodes no AVC at all. */
  AVC_DISABLED: 0x20,
  /** 10.3+: AVC for thin clients. */
  AVC_THINCLIENT: 0x40,
  /** 10.7: no MapSurfaceToScaledOutput/Window. */
  SCALEDMAP_DISABLE: 0x80,
} as const;
export type GfxCapsFlags = (typeof GfxCapsFlags)[keyof typeof GfxCapsFlags];

/** RDPGFX_CAPSET: a version and its data (4 flag bytes for every version but 10.1, whose 16 bytes are reserved). */
export interface GfxCapabilitySet {
  version: number;
  /** The capsData as flags; 0 for 10.1. */
  flags: number;
}

const KNOWN_VERSIONS = Object.values(GfxCapsVersion) as number[];

/**
 * The set to confirm: the client's highest version this implementation knows, with the client's flags for it
 * (the server confirms what the client can do). Undefined when the client offered no known version.
 */
export function chooseGfxCapabilitySet(advertised: readonly GfxCapabilitySet[]): GfxCapabilitySet | undefined {
  let best: GfxCapabilitySet | undefined;
  for (const set of advertised) {
    if (!KNOWN_VERSIONS.includes(set.version)) continue;
    if (!best || KNOWN_VERSIONS.indexOf(set.version) > KNOWN_VERSIONS.indexOf(best.version)) best = set;
  }
  return best;
}

/** Whether a confirmed set lets the server send AVC420 (MS-RDPEGFX 3.3.8.3.2). */
export function gfxSupportsAvc420(set: GfxCapabilitySet): boolean {
  if (set.version === GfxCapsVersion.VERSION8) return false;
  if (set.version === GfxCapsVersion.VERSION81) return (set.flags & GfxCapsFlags.AVC420_ENABLED) !== 0;
  return (set.flags & GfxCapsFlags.AVC_DISABLED) === 0;
}

/**
 * Whether a confirmed set lets the server send AVC444 and AVC444v2: every 10.x set without AVC_DISABLED, whose
 * client MUST then process YUV444 mode (MS-RDPEGFX 2.2.3.3 to 2.2.3.10); 8.0 and 8.1 know only AVC420.
 */
export function gfxSupportsAvc444(set: GfxCapabilitySet): boolean {
  if (set.version === GfxCapsVersion.VERSION8 || set.version === GfxCapsVersion.VERSION81) return false;
  return (set.flags & GfxCapsFlags.AVC_DISABLED) === 0;
}
