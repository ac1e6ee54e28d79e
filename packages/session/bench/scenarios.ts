// What the sharer-vs-shadow benchmark measures: each scenario is one workload on one shared display, joined by
// one or more xfreerdp viewers with the same flags for both sharers.
import type { AnimationOptions } from '@rdshare/testkit';

/**
 * How xfreerdp asks for graphics. `avc420`: the graphics pipeline with H.264 AVC420 only (shadow's fastest
 * path, the baseline the targets compare against). `avc444`: `/gfx:AVC444`, full chroma (Remmina's default
 * colour depth asks for it). `bitmap`: no graphics flag, as a ticket alone starts it
 * (xfreerdp 2.x in Remote Assistance mode loads no drdynvc): 32 bpp bitmap updates, planar on both sharers.
 * `lossless`: `/gfx` (xfreerdp 2.x reads `-gfx` as the same switch), the graphics pipeline without H.264.
 */
export type ViewerMode = 'avc420' | 'avc444' | 'bitmap' | 'lossless';

/**
 * The rdpgfx channel's debug log prints `H264_METABLOCK` for every AVC420 WireToSurface1 PDU the viewer
 * decodes (and for each view of an AVC444 one): counting those proves which codec a sharer really sent, without
 * decrypting its TLS stream.
 */
export const AVC_LOG_FILTER = '/log-filters:com.freerdp.channels.rdpgfx.client:DEBUG';
export const AVC_PDU_MARK = 'H264_METABLOCK';

export const VIEWER_ARGS: Record<ViewerMode, string[]> = {
  avc420: ['/gfx:AVC420', '/bpp:32', AVC_LOG_FILTER],
  avc444: ['/gfx:AVC444', '/bpp:32', AVC_LOG_FILTER],
  bitmap: ['/bpp:32'],
  lossless: ['/gfx', '/bpp:32'],
};

export interface Scenario {
  /** Short name used on the command line (`--only=a,b`) and in the results. */
  id: string;
  title: string;
  width: number;
  height: number;
  animation: AnimationOptions & { fps: number };
  viewers: number;
  mode: ViewerMode;
  /** Measures a still desktop: the animation stops once every viewer shows it. */
  idle?: boolean;
}

const motion1280 = { workload: 'moving-box', fps: 30 } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'a',
    title: '1280x800 animated at 30 fps',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 1,
    mode: 'avc420',
  },
  {
    id: 'b',
    title: '1920x1080 full-screen motion at 60 fps',
    width: 1920,
    height: 1080,
    animation: { workload: 'full-screen-motion', fps: 60 },
    viewers: 1,
    mode: 'avc420',
  },
  {
    id: 'c',
    title: '1280x800 full-screen scrolling text, 2 lines per frame at 30 fps',
    width: 1280,
    height: 800,
    animation: { workload: 'scrolling-text', fps: 30, linesPerFrame: 2 },
    viewers: 1,
    mode: 'avc420',
  },
  {
    id: 'cartoon',
    title: '1280x800 cartoon: drawn content redrawn whole at 30 fps',
    width: 1280,
    height: 800,
    animation: { workload: 'cartoon', fps: 30 },
    viewers: 1,
    mode: 'avc420',
  },
  {
    id: 'd',
    title: '1280x800 idle desktop',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 1,
    mode: 'avc420',
    idle: true,
  },
  { id: 'e1', title: '(a) with 1 viewer', width: 1280, height: 800, animation: motion1280, viewers: 1, mode: 'avc420' },
  {
    id: 'e4',
    title: '(a) with 4 viewers',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 4,
    mode: 'avc420',
  },
  {
    id: 'e8',
    title: '(a) with 8 viewers',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 8,
    mode: 'avc420',
  },
  {
    id: 'avc444',
    title: '(a) with /gfx:AVC444',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 1,
    mode: 'avc444',
  },
  {
    id: 'bitmap',
    title: '(a) as bitmap updates: xfreerdp without /gfx (planar)',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 1,
    mode: 'bitmap',
  },
  {
    id: 'lossless',
    title: '(a) lossless graphics pipeline: /gfx without H.264 (planar)',
    width: 1280,
    height: 800,
    animation: motion1280,
    viewers: 1,
    mode: 'lossless',
  },
];
