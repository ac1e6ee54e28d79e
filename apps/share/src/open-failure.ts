import { RdshareError } from '@rdshare/session';
import { CliError } from './cli-error.js';

/** Where the session was asked to listen, for the messages. */
export interface ListenTarget {
  listen: string;
  /** 0: any free port. */
  port: number;
}

/** The first line of a message: the addon's explanations go on with every place they tried. */
const firstLine = (message: string) => message.split('\n')[0] ?? message;

/**
 * What `session.open()` threw, as one line saying what failed and one saying how to fix it. Each failure has its
 * own: a display that does not run is not a port in use, and neither is a broken TLS identity or a bug, so only
 * a real listen failure sends the user to --listen or --port.
 */
export function explainOpenFailure(error: unknown, target: ListenTarget, display: string): CliError {
  const code = error instanceof RdshareError ? error.code : undefined;
  const message = firstLine(error instanceof Error ? error.message : String(error));
  switch (code) {
    case 'DISPLAY_IN_USE':
      return new CliError(
        message,
        `stop the other rdshare sharing ${display}, or share another display (--display :N) or an embedded one (--virtual WxH)`,
      );
    case 'DISPLAY_UNAVAILABLE':
      return displayUnavailable(error as RdshareError, display);
    case 'NATIVE_UNAVAILABLE':
      return new CliError(
        `rdshare's native addon cannot be loaded: ${message}`,
        'install or rebuild what the message names (tooling/scripts/setup.sh installs every library), then run it again',
      );
    case 'TLS_IDENTITY_FAILED':
      return new CliError(
        message,
        `each run makes a new key, so run it again; if it fails every time, Node's OpenSSL cannot make RSA keys and certificates here (node -p "process.versions.openssl"): report it with this message`,
      );
    case 'LISTEN_FAILED':
      return listenFailure(error as RdshareError, target);
    default:
      return new CliError(
        `could not start sharing: ${message}`,
        'this is a bug in rdshare, not something you did: please report it with this message and the command you ran',
        1,
      );
  }
}

/** The addon's own reason (its `cause`) says more than the session's wrapping of it, and tells a server that runs. */
function displayUnavailable(error: RdshareError, display: string): CliError {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const reason = firstLine(typeof cause?.message === 'string' ? cause.message : error.message);
  if (cause?.code === 'MISSING_EXTENSION') {
    return new CliError(
      `cannot share display ${display}: ${reason}`,
      'share an X server that has it (Xorg and Xvfb do unless started with -extension NAME), or use --virtual WxH for an embedded one',
    );
  }
  return new CliError(
    `cannot share display ${display}: ${reason}`,
    'start that X server or pass the display that runs (xdpyinfo -display :N tells), or use --virtual WxH for an embedded one',
  );
}

function listenFailure(error: RdshareError, { listen, port }: ListenTarget): CliError {
  const where = port === 0 ? `${listen} (any free port)` : `${listen} port ${port}`;
  const reason = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  switch (reason) {
    case 'EADDRINUSE':
      return new CliError(
        `cannot listen on ${where}: the port is taken`,
        'choose another with --port N, or leave --port out for any free one',
      );
    case 'EACCES':
      return new CliError(
        `cannot listen on ${where}: not allowed`,
        'ports below 1024 need privileges: choose --port 1024 or above, or leave --port out for any free one',
      );
    case 'EADDRNOTAVAIL':
      return new CliError(
        `cannot listen on ${where}: ${listen} is not an address of this machine`,
        'check --listen: 127.0.0.1 (this machine only), 0.0.0.0 or :: (every interface), or one of the addresses `ip -brief address` lists',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new CliError(
        `cannot listen on ${where}: the name ${listen} does not resolve`,
        'check --listen: give an IP address, e.g. 127.0.0.1 or 0.0.0.0',
      );
    default:
      return new CliError(
        `cannot listen on ${where}: ${firstLine(error.message)}`,
        'check --listen and --port: an address of this machine and a free port (leave --port out for any free one)',
      );
  }
}
