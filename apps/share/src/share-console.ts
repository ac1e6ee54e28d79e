import { createInterface, type Interface } from 'node:readline';
import { select } from '@inquirer/prompts';
import { type Attendee, CTRL_LEVEL } from '@rdshare/session';
import { CliError } from './cli-error.js';
import {
  decideUnattended,
  invitationEvent,
  type ShareEvent,
  sharingStartedText,
  watchSharing,
} from './share-events.js';
import { levelName, type Sharing } from './sharing.js';
import { STATUS_INTERVAL_MS, StatusLine } from './status-line.js';

const HELP = `commands:
  list                       who is connected, with their levels
  level ID none|view|interactive
  kick ID                    disconnect an attendee
  pause | resume             stop / restart the picture for everyone
  revoke [N]                 invitation N (default: all) admits nobody new
  invite                     create another invitation
  apps                       the applications on the shared display
  share NAME | unshare NAME  show only the applications shared this way (e.g. share xterm) / hide one again
  share desktop              the whole display again (application filter off)
  quit                       stop sharing`;

const LEVELS: Record<string, CTRL_LEVEL> = {
  none: CTRL_LEVEL.NONE,
  view: CTRL_LEVEL.VIEW,
  interactive: CTRL_LEVEL.INTERACTIVE,
};

/**
 * The interactive terminal of `rdshare share`: events above, a prompt showing the live status, and a question
 * (grant view / interactive / deny) for each control request.
 */
export function runConsole(sharing: Sharing, stop: () => Promise<void>): void {
  const { session } = sharing;
  const statusLine = new StatusLine(sharing);
  let rl: Interface | undefined;
  const requests: { attendee: Attendee; requestedLevel: number }[] = [];
  let asking = false;

  const status = () => `${statusLine.text()} rdshare> `;
  const say = (text: string) => {
    if (rl) {
      process.stdout.write('\r\x1b[K');
      console.log(text);
      rl.setPrompt(status());
      rl.prompt(true);
    } else console.log(text);
  };
  const openPrompt = () => {
    rl = createInterface({ input: process.stdin, output: process.stdout, prompt: status() });
    rl.on('line', (line) => {
      try {
        run(line.trim().split(/\s+/).filter(Boolean));
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        say(`${e.message} (${e.fix})`);
      }
      rl?.prompt();
    });
    rl.on('SIGINT', () => void stop());
    rl.on('close', () => {
      if (!asking) void stop();
    });
    rl.prompt();
  };

  const ask = async () => {
    if (asking) return;
    asking = true;
    const current = rl;
    rl = undefined;
    current?.close();
    for (let r = requests.shift(); r; r = requests.shift()) {
      const { attendee, requestedLevel } = r;
      if (![...session.attendees].includes(attendee)) continue;
      const answer = await select({
        message: `attendee ${attendee.id} "${attendee.remoteName}" asks for ${levelName(requestedLevel)} control:`,
        choices: [
          { name: 'grant interactive (keyboard and mouse)', value: 'interactive' },
          { name: 'grant view only', value: 'view' },
          { name: 'deny', value: 'deny' },
        ],
      });
      if (![...session.attendees].includes(attendee)) continue;
      const level = answer === 'deny' ? attendee.controlLevel : (LEVELS[answer] as CTRL_LEVEL);
      if (answer !== 'deny') attendee.controlLevel = level;
      session.sendControlLevelChangeResponse(attendee, level, answer === 'deny' ? 1 : 0);
      console.log(`attendee ${attendee.id}: ${answer === 'deny' ? 'denied' : `granted ${answer}`}`);
    }
    asking = false;
    openPrompt();
  };

  const run = (words: string[]) => {
    const [cmd, arg, arg2] = words;
    const id = () => {
      if (!arg || !/^\d+$/.test(arg)) throw new CliError(`${cmd} needs an attendee id`, '`list` shows the ids');
      return sharing.attendee(Number(arg));
    };
    switch (cmd) {
      case undefined:
        return;
      case 'help':
      case '?':
        return say(HELP);
      case 'list':
        if (session.attendees.count === 0) return say('nobody is connected');
        for (const a of session.attendees) {
          say(`  ${a.id}  "${a.remoteName}" from ${a.connectivityInfo.peerIp}: ${levelName(a.controlLevel)}`);
        }
        return;
      case 'level': {
        const attendee = id();
        const level = LEVELS[arg2 ?? ''];
        if (level === undefined) throw new CliError(`unknown level "${arg2 ?? ''}"`, 'use none, view or interactive');
        attendee.controlLevel = level;
        return;
      }
      case 'kick':
        return id().terminateConnection();
      case 'pause':
        return session.pause();
      case 'resume':
        return session.resume();
      case 'revoke': {
        const chosen = arg === undefined ? sharing.invitations : [sharing.invitations[Number(arg) - 1]];
        if (chosen.some((i) => i === undefined)) {
          throw new CliError(`no invitation ${arg}`, `invitations are numbered 1 to ${sharing.invitations.length}`);
        }
        for (const i of chosen) if (i && !i.invitation.revoked) i.invitation.revoked = true;
        return say(
          `revoked ${chosen.length} invitation${chosen.length === 1 ? '' : 's'}: nobody new can join with them`,
        );
      }
      case 'invite':
        return say(invitationEvent(sharing, sharing.invite()).text);
      case 'apps': {
        const filter = session.applicationFilter;
        if (filter.applications.count === 0) return say('no application has a window on the shared display');
        for (const app of filter.applications) {
          say(
            `  ${app.name} (${app.windows.count} window${app.windows.count === 1 ? '' : 's'})${app.shared ? ': shared' : ''}`,
          );
        }
        return say(filter.enabled ? 'attendees see the shared applications only' : 'attendees see the whole display');
      }
      case 'share':
      case 'unshare': {
        if (!arg) throw new CliError(`${cmd} needs an application name`, '`apps` lists them, e.g. share xterm');
        if (cmd === 'share' && arg === 'desktop') {
          sharing.shareWholeDisplay();
          return say('sharing the whole display');
        }
        const matching = cmd === 'share' ? sharing.shareApplication(arg) : sharing.unshareApplication(arg);
        const running =
          matching.length > 0
            ? `${matching.length} running`
            : `none running now${cmd === 'share' ? '; it is shared when it starts' : ''}`;
        return say(`${cmd === 'share' ? 'shared' : 'hidden'}: ${arg} (${running})`);
      }
      case 'quit':
      case 'exit':
        void stop();
        return;
      default:
        throw new CliError(`unknown command "${cmd}"`, '`help` lists the commands');
    }
  };

  const print = (e: ShareEvent) => say(e.text);
  watchSharing(sharing, print);
  if (sharing.options.control === 'ask') {
    session.events.controlLevelChangeRequest$.subscribe((r) => {
      requests.push(r);
      void ask();
    });
  } else decideUnattended(sharing, print);
  const first = sharing.invitations[0];
  console.log(sharingStartedText(sharing));
  if (first) console.log(invitationEvent(sharing, first).text);
  console.log('type `help` for commands, Ctrl+C to stop');
  openPrompt();
  const refresh = setInterval(() => {
    statusLine.tick();
    if (!rl) return;
    rl.setPrompt(status());
    rl.prompt(true);
  }, STATUS_INTERVAL_MS);
  refresh.unref();
}
