export * from './bitmap-update.js';
export * from './fastpath-envelope.js';
export * from './fastpath-input.js';
export * from './fastpath-output.js';
export * from './input-event.js';
export * from './palette-update.js';
export * from './pointer-update.js';
export * from './slowpath-input.js';
