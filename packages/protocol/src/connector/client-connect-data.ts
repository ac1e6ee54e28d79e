import {
  ChannelOption,
  type ClientCoreData,
  type ClientData,
  ClientEarlyCapability,
  SupportedColorDepth,
} from '../connection/client-data.js';
import { RdpVersion } from '../connection/server-data.js';
import { ProtocolError } from '../core/errors.js';
import { EncryptionMethod } from '../security/encryption-method.js';
import type { ConnectorConfig } from './connector-config.js';

/** RNS_UD_COLOR_8BPP: colorDepth and postBeta2ColorDepth say 8 bpp; highColorDepth carries the real ask. */
const RNS_UD_COLOR_8BPP = 0xca01;
/** RNS_UD_SAS_DEL: the secure access sequence every client sends. */
const RNS_UD_SAS_DEL = 0xaa03;
/** US English keyboard layout: scancodes are what the input API sends, so the layout is only a hint. */
const KEYBOARD_LAYOUT_US = 0x409;
/** IBM enhanced (101- or 102-key) keyboard, with its 12 function keys. */
const KEYBOARD_TYPE_IBM_ENHANCED = 4;
const KEYBOARD_FUNCTION_KEYS = 12;
/** clientBuild: a Windows 10 build number, what sharers see from a Windows viewer. */
const CLIENT_BUILD = 19041;
/**
 * clientDigProductId: Windows clients identify themselves here; sharers send the Windows 10 MS-RDPEMC PDUs
 * (OD_PARTICIPANT_CTRL_CHANGE_RESPONSE) only to clients that fill it, and this viewer reads them.
 */
const CLIENT_DIG_PRODUCT_ID = 'rdshare-viewer';
/** clientProductId: always 1. */
const CLIENT_PRODUCT_ID = 1;
/** CHANNEL_DEF.options of every static channel we declare: initialized and encrypted like RDP traffic. */
const STATIC_CHANNEL_OPTIONS = ChannelOption.INITIALIZED | ChannelOption.ENCRYPT_RDP;
const MAX_CLIENT_NAME = 15;
const MAX_CHANNEL_NAME = 7;
const COLOR_DEPTHS = new Set([8, 15, 16, 24, 32]);

/**
 * The client data blocks of the Conference Create Request (MS-RDPBCGR 2.2.1.3.2–2.2.1.3.4) a viewer sends: its
 * desktop and colour depth (32 bpp asked for as 24 + WANT_32BPP_SESSION, as Windows clients do), every RC4 method
 * and FIPS (when the crypto provider has 3DES and HMAC) if Standard RDP Security may be used, and its static channels.
 */
export function clientConnectData(config: ConnectorConfig, selectedProtocol: number): ClientData {
  const depth = config.colorDepth ?? 32;
  if (!COLOR_DEPTHS.has(depth)) throw new ProtocolError('INVALID', `colour depth ${depth}`, 'TS_UD_CS_CORE');
  const clientName = (config.clientName ?? 'rdshare').slice(0, MAX_CLIENT_NAME);
  for (const name of config.channels) {
    if (name.length === 0 || name.length > MAX_CHANNEL_NAME || !/^[\x21-\x7e]+$/.test(name))
      throw new ProtocolError('INVALID', `channel name "${name}"`, 'CHANNEL_DEF');
  }
  const core: ClientCoreData = {
    version: RdpVersion.RDP5_PLUS,
    desktopWidth: config.desktopWidth,
    desktopHeight: config.desktopHeight,
    colorDepth: RNS_UD_COLOR_8BPP,
    sasSequence: RNS_UD_SAS_DEL,
    keyboardLayout: KEYBOARD_LAYOUT_US,
    clientBuild: CLIENT_BUILD,
    clientName,
    keyboardType: KEYBOARD_TYPE_IBM_ENHANCED,
    keyboardSubType: 0,
    keyboardFunctionKey: KEYBOARD_FUNCTION_KEYS,
    imeFileName: '',
    postBeta2ColorDepth: RNS_UD_COLOR_8BPP,
    clientProductId: CLIENT_PRODUCT_ID,
    serialNumber: 0,
    highColorDepth: depth === 32 ? 24 : depth,
    supportedColorDepths:
      SupportedColorDepth.BPP15 | SupportedColorDepth.BPP16 | SupportedColorDepth.BPP24 | SupportedColorDepth.BPP32,
    earlyCapabilityFlags:
      ClientEarlyCapability.SUPPORT_ERRINFO_PDU |
      (depth === 32 ? ClientEarlyCapability.WANT_32BPP_SESSION : 0) |
      (config.graphicsPipeline ? ClientEarlyCapability.SUPPORT_DYNVC_GFX_PROTOCOL : 0),
    clientDigProductId: CLIENT_DIG_PRODUCT_ID,
    connectionType: 0,
    serverSelectedProtocol: selectedProtocol,
  };
  // FIPS only when the crypto provider can do it (a browser provider has no 3DES): the server may pick it.
  const fips = config.crypto.des3Cbc !== undefined && config.crypto.hmacSha1 !== undefined ? EncryptionMethod.FIPS : 0;
  const methods = config.security.rdp
    ? EncryptionMethod.BIT_40 | EncryptionMethod.BIT_56 | EncryptionMethod.BIT_128 | fips
    : EncryptionMethod.NONE;
  return {
    core,
    security: { encryptionMethods: methods, extEncryptionMethods: 0 },
    network: { channels: config.channels.map((name) => ({ name, options: STATIC_CHANNEL_OPTIONS })) },
  };
}
