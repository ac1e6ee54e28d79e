export * from './drdynvc/index.js';
export * from './encomsp.js';
export * from './virtual-channel.js';
