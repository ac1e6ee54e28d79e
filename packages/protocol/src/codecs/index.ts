export * from './bitmap-data-decoder.js';
export * from './interleaved.js';
export * from './palette.js';
export * from './pixel-format.js';
export * from './planar.js';
export * from './raw.js';
