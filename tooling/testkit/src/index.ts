export * from './xvfb.js';
