export type { CursorImage, CursorSource } from './cursor-source.js';
export type { DesktopSource } from './desktop-source.js';
export type { DisplayClaim } from './display-claim.js';
export { NativeError, NativeErrorCode } from './errors.js';
export { allocateFrame, BYTES_PER_PIXEL, type Frame } from './frame.js';
export type { Point, Rect, Size } from './geometry.js';
export { type H264DecodedPicture, H264Decoder } from './h264-decoder.js';
export { type H264EncodedFrame, H264Encoder, type H264EncoderOptions, type H264Rate } from './h264-encoder.js';
export { type InputSink, type LockState, MouseButton } from './input-sink.js';
export { explainLoadAttempts, explainLoadFailure, type LoadAttempt, matchingPrebuilt, prebuiltPath } from './loader.js';
export {
  claimDisplay,
  createCursorSource,
  createDesktopSource,
  createInputSink,
  createWindowTracker,
  type Desktop,
  type DisplayOptions,
  openDisplay,
} from './open-display.js';
export { explainH264Unavailable, loadOpenH264, OPENH264_LIBRARY_ENV, openH264Candidates } from './openh264.js';
export { type Plane, type PlaneCopy, shufflePlanes } from './plane-shuffle.js';
export { compareTiles, DEFAULT_TILE_SIZE, syncTiles, type TileOptions } from './tiles.js';
export type { WindowEvent, WindowInfo, WindowTracker } from './window-tracker.js';
export { X11CursorSource } from './x11/x11-cursor-source.js';
export { X11DesktopSource } from './x11/x11-desktop-source.js';
export { X11DisplayClaim } from './x11/x11-display-claim.js';
export { X11InputSink } from './x11/x11-input-sink.js';
export { X11WindowTracker } from './x11/x11-window-tracker.js';
export { allocateYuv444, bgrxToYuv444, type I420Frame, type Yuv444Frame } from './yuv.js';
