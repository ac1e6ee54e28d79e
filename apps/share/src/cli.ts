#!/usr/bin/env node
import { Command, Option } from 'commander';
import { CliError } from './cli-error.js';
import { usageErrorLine } from './usage-error.js';

const program = new Command('rdshare').description(
  'Share an X desktop with RDP viewers (Windows Desktop Sharing invitations), or join one.',
);

program
  .command('share')
  .description('share a desktop: prints an invitation, its ticket file and the xfreerdp line that joins it')
  .addOption(new Option('--display <:N>', 'share this X display (default: $DISPLAY)'))
  .addOption(
    new Option(
      '--virtual <WxH>',
      'share an embedded Xvfb desktop of this size (default when DISPLAY is unset: 1280x800)',
    ),
  )
  .option('--rect <x,y,w,h>', 'share only this part of the display')
  .option('--app <name...>', 'share only these applications (by WM_CLASS, e.g. xterm), also once they start')
  .option('--password <P>', 'the invitation password (default: generated)')
  .option('--limit <N>', 'attendees one invitation admits', '5')
  .option('--port <N>', 'TCP port to listen on (default: any free one)')
  .option('--listen <ADDR>', 'address to listen on (0.0.0.0 or :: for every interface)', '127.0.0.1')
  .option('--web <PORT>', 'serve the web viewer (join from a browser) on this port; 0 for any free one')
  .addOption(
    new Option(
      '--control <level>',
      'what attendees get: ask (view, control when you grant it), view, interactive',
    ).default('ask'),
  )
  .option('--ticket <FILE>', 'where to write the .msrcIncident ticket', 'rdshare.msrcIncident')
  .option('--seconds <N>', 'stop after N seconds')
  .option('--json', 'print every event as one JSON line instead of the interactive terminal')
  .action(async (flags) => (await import('./share-command.js')).shareCommand(flags));

program
  .command('view')
  .description('join an invitation from the terminal: reports the connection, attendees and frame rate')
  .argument('<ticket>', 'a connection string, or a .msrcIncident file holding one')
  .requiredOption('--password <P>', 'the invitation password')
  .option('--name <N>', 'your name as the sharer sees it', process.env.USER ?? 'rdshare-view')
  .option('--screenshot <file.png>', 'save the shared screen as PNG once it is drawn, then leave')
  .option('--request-control', 'ask the sharer for interactive control')
  .option('--seconds <N>', 'leave after N seconds')
  .option('--json', 'print every event as one JSON line')
  .action(async (ticket, flags) => (await import('./view-command.js')).viewCommand(ticket, flags));

program
  .command('demo')
  .description(
    'share an embedded desktop with a clock and a terminal running top (rdshare share --virtual --web), ready to join',
  )
  .option(
    '--view',
    'also join with xfreerdp and with the web viewer in headless Chromium; save screenshots side by side',
  )
  .option('--seconds <N>', 'stop after N seconds and print who attended')
  .option('--web <PORT>', 'serve the web viewer on this port (default: any free one)')
  .option('--listen <ADDR>', 'address to listen on (0.0.0.0 to share beyond this machine)', '127.0.0.1')
  .option('--dir <DIR>', 'where the ticket and screenshots go', '.rdshare')
  .action(async (flags) => (await import('./demo-command.js')).demoCommand(flags));

// A parse error is one line naming the flag and where the usage is, exit code 2 like every other mistake;
// `--help` (exit code 0) and a bare `rdshare` (the usage on stderr) go on to commander's own exit.
for (const command of [program, ...program.commands]) {
  const usage = command === program ? 'rdshare' : `rdshare ${command.name()}`;
  command.configureOutput({ outputError: () => {} }).exitOverride((e) => {
    if (e.exitCode === 0 || e.code === 'commander.help') return;
    process.stderr.write(`rdshare: ${usageErrorLine(e, usage)}\n`);
    process.exit(2);
  });
}

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof CliError) {
    process.stderr.write(`rdshare: ${e.message}\n  fix: ${e.fix}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`rdshare: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
}
