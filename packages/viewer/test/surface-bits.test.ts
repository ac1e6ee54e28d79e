import {
  CLIENT_REMOTEFX_CODEC_ID,
  encodeSurfaceCommands,
  FastPathUpdateCode,
  ProtocolError,
  RlgrMode,
  type SurfaceCommand,
  SurfaceCommandType,
  SurfaceFrameAction,
} from '@rdshare/protocol';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { FrameBuffer } from '../src/frame-buffer.js';
import { RdpViewer, ViewerState } from '../src/index.js';
import { nodeCryptoProvider } from '../src/node/index.js';
import { SurfaceBits } from '../src/surface-bits.js';
import { AcceptorTransport, AUTH } from './support/acceptor-transport.js';
import { acceptorOptions, publicKey, ticket } from './support/fixtures.js';
import { greyTileRfxStream } from './support/rfx-stream.js';

function px(frame: FrameBuffer, x: number, y: number): number[] {
  const i = (y * frame.width + x) * 4;
  return [...frame.data.subarray(i, i + 4)];
}

/** One grey tile (Y 50) on an 8x4 channel, drawn only in a 3x2 rect; in RLGR3, which the pipeline tests leave out. */
const STREAM = greyTileRfxStream(RlgrMode.RLGR3);

const bits = (codecId: number, destLeft: number, destTop: number): SurfaceCommand => ({
  cmdType: SurfaceCommandType.STREAM_SURFACE_BITS,
  destLeft,
  destTop,
  destRight: destLeft + 8,
  destBottom: destTop + 4,
  bitmap: { bpp: 32, codecId, width: 8, height: 4, bitmapData: STREAM },
});
const marker = (frameAction: SurfaceFrameAction): SurfaceCommand => ({
  cmdType: SurfaceCommandType.FRAME_MARKER,
  frameAction,
  frameId: 1,
});

describe('SurfaceBits', () => {
  it('draws RemoteFX surface bits at the destination, only within the region rects, and counts them', () => {
    const frame = new FrameBuffer(16, 8);
    const surfaceBits = new SurfaceBits();
    const changed = surfaceBits.apply(
      [
        marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_BEGIN),
        bits(CLIENT_REMOTEFX_CODEC_ID, 2, 1),
        marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_END),
      ],
      frame,
    );
    expect(changed).toEqual([{ x: 2, y: 1, width: 3, height: 2 }]);
    // Y 50 above the centre, no colour: grey 178, on the 3x2 rect from 2,1 only.
    expect([px(frame, 2, 1), px(frame, 4, 2)]).toEqual([
      [178, 178, 178, 255],
      [178, 178, 178, 255],
    ]);
    expect([px(frame, 5, 1), px(frame, 2, 3), px(frame, 1, 1)]).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(surfaceBits.stats).toEqual({ codecs: new Map([[CLIENT_REMOTEFX_CODEC_ID, 1]]), frames: 1 });
  });

  it('clips what falls outside the frame', () => {
    const frame = new FrameBuffer(4, 2);
    expect(new SurfaceBits().apply([bits(CLIENT_REMOTEFX_CODEC_ID, 2, 1)], frame)).toEqual([
      { x: 2, y: 1, width: 2, height: 1 },
    ]);
    expect(px(frame, 3, 1)).toEqual([178, 178, 178, 255]);
  });

  it('refuses surface bits in a codec it did not offer with an UNSUPPORTED ProtocolError', () => {
    const apply = () => new SurfaceBits().apply([bits(1, 0, 0)], new FrameBuffer(8, 4));
    expect(apply).toThrow(ProtocolError);
    expect(apply).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});

describe('RdpViewer and surface commands (our acceptor, in memory)', () => {
  const crypto = nodeCryptoProvider();
  const frame = (codecId: number) => [
    marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_BEGIN),
    bits(codecId, 2, 1),
    marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_END),
  ];
  const join = async (remoteFx: boolean) => {
    const acknowledged: number[] = [];
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey, [], {
      onFrameAcknowledge: (frameId) => acknowledged.push(frameId),
    });
    const viewer = new RdpViewer({ crypto, transport, ...(remoteFx ? { codecs: { remoteFx } } : {}) });
    const errors: ProtocolError[] = [];
    viewer.events.error$.subscribe(({ error }) => errors.push(error as ProtocolError));
    await viewer.connect(ticket(), 'Ann', AUTH.password);
    const send = (commands: SurfaceCommand[]) =>
      transport.acceptor?.sendFastPath([{ code: FastPathUpdateCode.SURFCMDS, data: encodeSurfaceCommands(commands) }]);
    return { viewer, send, acknowledged, errors };
  };

  it('with codecs.remoteFx draws RemoteFX surface bits, tells renderers, and acknowledges the frame', async () => {
    const { viewer, send, acknowledged } = await join(true);
    const changed = firstValueFrom(viewer.frame$);
    send(frame(CLIENT_REMOTEFX_CODEC_ID));
    expect(await changed).toEqual({ x: 2, y: 1, width: 3, height: 2 });
    await new Promise((r) => setTimeout(r, 20));
    expect(px(viewer.frameBuffer as FrameBuffer, 4, 2)).toEqual([178, 178, 178, 255]);
    expect(viewer.surfaceBitsStats?.codecs.get(CLIENT_REMOTEFX_CODEC_ID)).toBe(1);
    expect(acknowledged).toEqual([1]);
    viewer.disconnect();
  });

  it('ends the connection with UNSUPPORTED on bits in a codec it did not offer, without acknowledging them', async () => {
    const { viewer, send, acknowledged, errors } = await join(true);
    const terminated = firstValueFrom(viewer.events.connectionTerminated$);
    send(frame(1));
    await terminated;
    expect(errors.map((e) => e.code)).toEqual(['UNSUPPORTED']);
    expect(acknowledged).toEqual([]);
  });

  it('without the option ignores frame markers alone, and ends the connection on surface bits', async () => {
    const { viewer, send, errors } = await join(false);
    expect(viewer.surfaceBitsStats).toBeUndefined();
    send([marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_END)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(viewer.state).toBe(ViewerState.CONNECTED);
    const terminated = firstValueFrom(viewer.events.connectionTerminated$);
    send(frame(CLIENT_REMOTEFX_CODEC_ID));
    await terminated;
    expect(errors.map((e) => e.code)).toEqual(['UNSUPPORTED']);
  });
});
