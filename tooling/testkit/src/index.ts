export * from './images.js';
export * from './xfreerdp.js';
export * from './xvfb.js';
