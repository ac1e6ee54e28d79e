import { DRDYNVC_CHANNEL_NAME, DvcClientManager, GFX_CHANNEL_NAME } from '@rdshare/protocol';
import { GfxClient, type GfxClientHost, type GfxClientOptions } from './gfx-client.js';

/** What the viewer's graphics pipeline needs: the graphics host, minus `send`, plus the static channel. */
export interface ViewerGraphicsPipelineHost extends Omit<GfxClientHost, 'send'> {
  /** Sends one message on the `drdynvc` static channel. */
  sendChannelData(name: string, data: Uint8Array): void;
}

/**
 * One connection's dynamic virtual channels with the graphics channel listened on: `drdynvc` messages go in
 * through {@link receive}, the server's graphics channel gets a {@link GfxClient}. Other dynamic channels are
 * refused.
 *
 * @internal
 */
export class ViewerGraphicsPipeline {
  private readonly dvc: DvcClientManager;
  /** The graphics channel's client, once the server created the channel. */
  gfx: GfxClient | undefined;

  constructor(host: ViewerGraphicsPipelineHost, options: GfxClientOptions) {
    this.dvc = new DvcClientManager({
      send: (pdu) => host.sendChannelData(DRDYNVC_CHANNEL_NAME, pdu),
      listeners: {
        [GFX_CHANNEL_NAME]: (channel) => {
          this.gfx?.close();
          const gfx = new GfxClient({ ...host, send: (message) => channel.send(message) }, options);
          this.gfx = gfx;
          gfx.start();
          return {
            onMessage: (message) => gfx.receive(message),
            onClose: () => gfx.close(),
          };
        },
      },
    });
  }

  /** One `drdynvc` static channel message; ProtocolError ends the connection. */
  receive(data: Uint8Array): void {
    this.dvc.receive(data);
  }

  close(): void {
    this.dvc.dispose();
  }
}
