import { type CapabilitySet, CapabilitySetType, SurfaceCommandFlag } from '../connection/capabilities.js';
import { commonCapabilitySets } from '../connection/common-capability-sets.js';
import { OrderSupportIndex } from '../data/primary-orders.js';

/** What the server's Demand Active announces besides fixed values. */
export interface ServerCapabilityParameters {
  width: number;
  height: number;
  colorDepth: number;
  /** The server's MCS channel id, the Share capability nodeId. */
  serverChannelId: number;
}

/**
 * Largest fast-path update (bytes, after reassembly) we let a client expect. FreeRDP clients adopt the server's
 * value as their reassembly limit, so it must fit a full-screen surface bits update.
 */
export const SERVER_MULTIFRAGMENT_MAX_REQUEST_SIZE = 0x800000;
/** Font capability fontSupportFlags: FONTSUPPORT_FONTLIST, the value Windows servers send. */
const FONTSUPPORT_FONTLIST = 0x0001;
/** Frames a client may leave unacknowledged before we stop sending (TS_FRAME_ACKNOWLEDGE_CAPABILITYSET). */
const MAX_UNACKNOWLEDGED_FRAMES = 2;

/**
 * The capability sets of our Demand Active PDU (MS-RDPBCGR 2.2.1.13.1): fast-path output without bulk
 * compression, ScrBlt and MemBlt as the only drawing orders (graphics go as bitmaps, scrolls and moved windows as
 * screen-to-screen copies, content that comes back from the client's bitmap cache), colour and large pointers,
 * fast-path input with scancodes, Unicode and extended mouse buttons, refresh rect and suppress output.
 */
export function serverCapabilitySets(p: ServerCapabilityParameters): CapabilitySet[] {
  const common = commonCapabilitySets({ role: 'server', colorDepth: p.colorDepth, width: p.width, height: p.height });
  // FreeRDP clients drop every order the server's orderSupport lacks from what they confirm.
  const orderSupport = common.order.orderSupport.slice();
  orderSupport[OrderSupportIndex.SCRBLT] = 1;
  orderSupport[OrderSupportIndex.MEMBLT] = 1;
  return [
    common.general,
    common.bitmap,
    { ...common.order, orderSupport },
    common.pointer,
    common.input,
    common.virtualChannel,
    { type: CapabilitySetType.SHARE, nodeId: p.serverChannelId },
    { type: CapabilitySetType.FONT, fontSupportFlags: FONTSUPPORT_FONTLIST },
    { type: CapabilitySetType.MULTIFRAGMENTUPDATE, maxRequestSize: SERVER_MULTIFRAGMENT_MAX_REQUEST_SIZE },
    common.largePointer,
    {
      type: CapabilitySetType.SURFACE_COMMANDS,
      cmdFlags:
        SurfaceCommandFlag.SET_SURFACE_BITS | SurfaceCommandFlag.FRAME_MARKER | SurfaceCommandFlag.STREAM_SURFACE_BITS,
    },
    { type: CapabilitySetType.FRAME_ACKNOWLEDGE, maxUnacknowledgedFrameCount: MAX_UNACKNOWLEDGED_FRAMES },
  ];
}
