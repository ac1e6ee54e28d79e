// Node's CryptoProvider lives with the protocol that defines the interface; re-exported so a viewer needs one import.
export { nodeCryptoProvider } from '@rdshare/protocol/node';
export { nativeH264Decoder } from './native-h264-decoder.js';
export {
  type ReverseConnectListener,
  type ReverseConnectOptions,
  startReverseConnectListener,
} from './reverse-connect-listener.js';
export { streamTransport } from './stream-transport.js';
export { type TcpTransportOptions, tcpTransport } from './tcp-transport.js';
