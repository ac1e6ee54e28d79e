import { formatBytes } from './share-events.js';
import type { Sharing } from './sharing.js';

/**
 * The interactive terminal's live status: attendees, frames and bytes sent per second (from the session's traffic
 * statistics, measured between two `tick()`s) and whether the picture is paused.
 */
export class StatusLine {
  paused = false;
  private last: { at: number; bytesSent: number; framesSent: number };
  private rate = { framesPerSecond: 0, bytesPerSecond: 0 };

  constructor(private readonly sharing: Sharing) {
    const { bytesSent, framesSent } = sharing.session.statistics();
    this.last = { at: Date.now(), bytesSent, framesSent };
    sharing.session.events.graphicsStreamPaused$.subscribe(() => {
      this.paused = true;
    });
    sharing.session.events.graphicsStreamResumed$.subscribe(() => {
      this.paused = false;
    });
  }

  /** Measures the rates since the previous tick. */
  tick(): void {
    const now = Date.now();
    const { bytesSent, framesSent } = this.sharing.session.statistics();
    const seconds = Math.max(0.001, (now - this.last.at) / 1000);
    this.rate = {
      framesPerSecond: Math.round((framesSent - this.last.framesSent) / seconds),
      bytesPerSecond: Math.round((bytesSent - this.last.bytesSent) / seconds),
    };
    this.last = { at: now, bytesSent, framesSent };
  }

  text(): string {
    const n = this.sharing.session.attendees.count;
    const parts = [
      `${n} attendee${n === 1 ? '' : 's'}`,
      `${this.rate.framesPerSecond} frames/s`,
      `${formatBytes(this.rate.bytesPerSecond)}/s`,
    ];
    if (this.paused) parts.push('PAUSED');
    return `[${parts.join(' | ')}]`;
  }
}
