export * from './encomsp.js';
export * from './virtual-channel.js';
