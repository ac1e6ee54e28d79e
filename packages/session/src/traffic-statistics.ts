/**
 * What went over the wire: for one attendee (`attendee.statistics`) or the whole session (`session.statistics()`).
 *
 * RDPSRAPI has no counterpart: neither IRDPSRAPIAttendee nor IRDPSRAPISharingSession reports traffic (Windows
 * leaves that to system-wide performance counters). Bytes are RDP's own, counted where the connection writes and
 * reads them: inside TLS when the connection uses it, so TLS records' overhead is not in them.
 *
 * @example
 * ```ts
 * const before = session.statistics();
 * setTimeout(() => {
 *   const now = session.statistics();
 *   console.log(`${now.bytesSent - before.bytesSent} B/s, ${now.framesSent - before.framesSent} frames/s`);
 * }, 1000);
 * ```
 */
export interface TrafficStatistics {
  /** RDP bytes sent: graphics, pointer, channel data and the handshake. */
  readonly bytesSent: number;
  /** RDP bytes received: input, channel data and the handshake. */
  readonly bytesReceived: number;
  /**
   * Graphics updates sent: each is one batch of changed tiles (a bitmap update, or one frame of the graphics
   * pipeline), so a viewer that keeps up gets one per change of the desktop and a slow one fewer.
   */
  readonly framesSent: number;
}

/** Counts one connection's traffic, and adds it to the session's totals as it goes. */
export class TrafficCounter {
  private bytesSent = 0;
  private bytesReceived = 0;
  private framesSent = 0;

  constructor(private readonly total?: TrafficCounter) {}

  sent(bytes: number): void {
    this.bytesSent += bytes;
    this.total?.sent(bytes);
  }

  received(bytes: number): void {
    this.bytesReceived += bytes;
    this.total?.received(bytes);
  }

  frame(): void {
    this.framesSent++;
    this.total?.frame();
  }

  snapshot(): TrafficStatistics {
    return { bytesSent: this.bytesSent, bytesReceived: this.bytesReceived, framesSent: this.framesSent };
  }
}
