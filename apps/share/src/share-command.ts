import { CliError } from './cli-error.js';
import {
  decideUnattended,
  invitationEvent,
  type ShareEvent,
  sharingStartedText,
  stoppedEvent,
  watchSharing,
} from './share-events.js';
import { parseShareFlags, type ShareFlags } from './share-options.js';
import { Sharing } from './sharing.js';
import { STATUS_INTERVAL_MS, StatusLine } from './status-line.js';

/**
 * `rdshare share`: runs until Ctrl+C, SIGTERM or `--seconds`. `extra` runs once it shares (the demo's viewers)
 * and returns what to stop before the session.
 */
export async function shareCommand(
  flags: ShareFlags,
  extra?: (sharing: Sharing) => Promise<() => Promise<void>>,
): Promise<void> {
  const options = parseShareFlags(flags);
  const interactive = !options.json && process.stdout.isTTY === true && process.stdin.isTTY === true;
  const print = options.json
    ? (e: ShareEvent) =>
        process.stdout.write(`${JSON.stringify({ event: e.event, time: new Date().toISOString(), ...e.fields })}\n`)
    : (e: ShareEvent) => console.log(e.text);
  const sharing = await Sharing.start(options);
  let stopping: Promise<void> | undefined;
  let stopExtra = async () => {};
  let statusTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(statusTimer);
      await stopExtra();
      await sharing.stop();
      print(stoppedEvent(sharing));
      process.exit(0);
    })();
    return stopping;
  };
  if (interactive) {
    const { runConsole } = await import('./share-console.js');
    runConsole(sharing, stop);
  } else {
    watchSharing(sharing, print);
    decideUnattended(sharing, print);
    const first = sharing.invitations[0];
    if (!first) throw new CliError('no invitation was created', 'report this as a bug');
    const invitation = invitationEvent(sharing, first);
    print({ ...invitation, text: `${sharingStartedText(sharing)}\n${invitation.text}` });
    if (options.json) statusTimer = reportStatus(sharing, print);
  }
  if (extra) stopExtra = await extra(sharing);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (options.seconds !== undefined) setTimeout(stop, options.seconds * 1000);
}

/** `--json`: a `status` line every second while sharing, for scripts that watch (the terminal's status line). */
function reportStatus(sharing: Sharing, print: (e: ShareEvent) => void): NodeJS.Timeout {
  const status = new StatusLine(sharing);
  const timer = setInterval(() => {
    status.tick();
    print(status.event());
  }, STATUS_INTERVAL_MS);
  timer.unref();
  return timer;
}
