import { formatBytes, type ShareEvent } from './share-events.js';
import { levelName, type Sharing } from './sharing.js';

/** How often the status is shown, and so the span its rates are measured over. */
export const STATUS_INTERVAL_MS = 1000;

/**
 * The live status: attendees, frames and bytes sent per second (from the session's traffic statistics, measured
 * between two `tick()`s) and whether the picture is paused. The interactive terminal shows it in its prompt,
 * `--json` prints it as a `status` line.
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

  /** The `status` event of `--json`: who is connected at which level, the rates, paused. */
  event(): ShareEvent {
    const attendees = [...this.sharing.session.attendees].map((a) => ({
      id: a.id,
      name: a.remoteName,
      level: levelName(a.controlLevel),
    }));
    return {
      event: 'status',
      fields: { attendees, ...this.rate, paused: this.paused },
      text: this.text(),
    };
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
