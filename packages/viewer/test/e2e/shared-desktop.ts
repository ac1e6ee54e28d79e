import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeConnectionString } from '@rdshare/protocol';
import {
  diffRgba,
  type FreerdpShadow,
  startXtermLineReader,
  startXvfb,
  to555,
  to565,
  waitFor,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { KeyboardCodeType, type RdpViewer } from '../../src/index.js';

export const WIDTH = 640;
export const HEIGHT = 480;

/** An Xvfb display whose root shows a seeded plasma image: every pixel differs from its neighbours. */
export async function plasmaDisplay(): Promise<XvfbDisplay> {
  const display = await startXvfb({ width: WIDTH, height: HEIGHT });
  await showPlasma(display);
  return display;
}

/** Sets the display's root background to the plasma picture again (after a test painted it over). */
export async function showPlasma(display: XvfbDisplay): Promise<void> {
  const image = join(mkdtempSync(join(tmpdir(), 'rdshare-viewer-')), 'plasma.png');
  execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', '11', image]);
  // `display -window root` sets the root background and exits with status 1.
  await display.exec('display', ['-window', 'root', image]).catch(() => undefined);
}

/** PSNR in dB of the RGB channels of two RGBA pictures of the same size (alpha ignored); 0 when sizes differ. */
export function psnrRgb(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let squared = 0;
  for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++) squared += (a[i + c] - b[i + c]) ** 2;
  const mse = squared / ((a.length / 4) * 3);
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/**
 * Waits until the viewer, once its graphics pipeline is idle, shows the display's current screen above
 * `threshold` dB PSNR (lossy codecs), or fails with the last PSNR seen.
 */
export async function expectCloseToScreen(
  viewer: RdpViewer,
  display: XvfbDisplay,
  what: string,
  threshold: number,
): Promise<void> {
  const expected = await display.screenshot();
  let psnr = 0;
  await waitFor(
    async () => {
      await viewer.graphicsIdle();
      psnr = psnrRgb(expected, viewer.frameBuffer?.data ?? new Uint8Array(0));
      return psnr > threshold;
    },
    15_000,
    `the viewer to show ${what} (PSNR above ${threshold} dB)`,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}; last PSNR ${psnr.toFixed(1)} dB`);
  });
}

/** A ticket for a freerdp-shadow-cli: no key hashes (its key is checked in freerdp-shadow.e2e), no auth string. */
export const shadowTicket = (shadow: FreerdpShadow) =>
  encodeConnectionString({
    authString: '',
    transportId: 1,
    sessionId: 0,
    addresses: [{ address: '127.0.0.1', port: shadow.port }],
  });

/** How a depth's pixels compare: exact at 24/32 bpp, at the wire's precision below. */
export function reduceFor(depth: number): (v: number, channel: number) => number {
  if (depth === 16) return to565;
  if (depth === 15) return to555;
  return (v) => v;
}

/** Waits until the viewer's frame buffer equals the display's screenshot at `depth`, or explains the difference. */
export async function expectFrameBufferEqualsScreen(
  viewer: RdpViewer,
  display: XvfbDisplay,
  depth: number,
  /** Reduced levels a channel may be off by (an independent encoder's own rounding); 0 = exact. */
  tolerance = 0,
): Promise<void> {
  const expected = await display.screenshot();
  const diff = () => {
    const fb = viewer.frameBuffer;
    if (!fb || fb.width !== display.width || fb.height !== display.height) return undefined;
    return diffRgba(expected, fb.data, display.width, display.height, undefined, reduceFor(depth), tolerance);
  };
  await waitFor(() => diff()?.differing === 0, 20_000, 'the frame buffer to equal the shared display').catch(() => {
    const d = diff();
    throw new Error(`frame buffer differs from the screen: ${d?.differing} pixels, first ${JSON.stringify(d?.first)}`);
  });
}

/** Set-1 scancodes of "h", "i" and Enter. */
const HI_ENTER = [0x23, 0x17, 0x1c];

/**
 * Opens an xterm at the top left of `display` that reads a line, joins a viewer with `connect` (one allowed to
 * type), points at the xterm, types "hi" and Enter, and resolves with the line the xterm read. The viewer is
 * disconnected and the xterm closed either way.
 */
export async function typeLineIntoXterm(display: XvfbDisplay, connect: () => Promise<RdpViewer>): Promise<string> {
  const xterm = await startXtermLineReader(display, '40x5+0+0');
  let viewer: RdpViewer | undefined;
  try {
    viewer = await connect();
    // Without a window manager the keyboard focus follows the pointer.
    viewer.sendMouseMove(40, 30);
    await new Promise((r) => setTimeout(r, 300));
    for (const code of HI_ENTER) {
      viewer.sendKeyboard(KeyboardCodeType.SCANCODE, code, false);
      viewer.sendKeyboard(KeyboardCodeType.SCANCODE, code, true);
    }
    return await xterm.line();
  } finally {
    viewer?.disconnect();
    xterm.close();
  }
}
