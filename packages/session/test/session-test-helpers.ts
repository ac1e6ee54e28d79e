export { decodeConnectionString as decodeTicketForTest } from '@rdshare/protocol';
export { RdpSession, RdshareError } from '../src/index.js';
