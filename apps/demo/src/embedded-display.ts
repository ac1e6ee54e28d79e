import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface EmbeddedDisplay {
  display: string;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts Xvfb on the first free display number from `from`, with some X clients on it to look at. */
export async function startEmbeddedDisplay(width: number, height: number, from = 91): Promise<EmbeddedDisplay> {
  let n = from;
  while (existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`)) n++;
  const display = `:${n}`;
  const children: ChildProcess[] = [];
  const server = spawn('Xvfb', [display, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'], {
    stdio: 'ignore',
  });
  children.push(server);
  for (let i = 0; i < 200 && !existsSync(`/tmp/.X11-unix/X${n}`); i++) await sleep(25);
  const env = { ...process.env, DISPLAY: display };
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('xdpyinfo', { env, stdio: 'ignore' });
      break;
    } catch {
      await sleep(50);
    }
  }
  execFileSync('xsetroot', ['-solid', '#336699'], { env });
  const client = (cmd: string, args: string[]) => children.push(spawn(cmd, args, { env, stdio: 'ignore' }));
  client('xterm', ['-T', 'shared-xterm', '-geometry', '90x30+40+40', '-e', 'top']);
  client('xclock', ['-update', '1', '-geometry', '220x220+860+60']);
  client('xeyes', ['-geometry', '220x140+860+320']);
  client('xlogo', ['-geometry', '160x160+1000+520']);
  return {
    display,
    stop() {
      for (const c of children.reverse()) c.kill('SIGTERM');
    },
  };
}
