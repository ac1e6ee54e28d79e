export * from './avc420-bitmap-stream.js';
export * from './avc444-bitmap-stream.js';
export * from './gfx-capabilities.js';
export * from './gfx-pdu.js';
export * from './segmented-data.js';
export * from './zgfx.js';
