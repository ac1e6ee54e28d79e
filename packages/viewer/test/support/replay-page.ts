import { RdpViewer, scriptCryptoProvider } from '../../src/index.js';
import { decodeRecording, frameBufferDigest, replaySession } from './session-recording.js';

// The entry of the bundle the browser test loads into headless Chromium: the viewer core with the pure-TS crypto
// provider, replaying a recording handed over as JSON text and answering with the frame buffer digest.

declare global {
  var replayRecording: (json: string) => Promise<string>;
}

globalThis.replayRecording = async (json) => {
  const viewer = await replaySession(
    decodeRecording(json),
    (transport) => new RdpViewer({ crypto: scriptCryptoProvider(), transport, security: { tls: true, rdp: false } }),
  );
  const digest = frameBufferDigest(viewer);
  viewer.disconnect();
  return digest;
};
