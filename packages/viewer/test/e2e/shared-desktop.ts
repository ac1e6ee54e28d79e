import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffRgba, startXtermLineReader, startXvfb, to555, to565, waitFor, type XvfbDisplay } from '@rdshare/testkit';
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
