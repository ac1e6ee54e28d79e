// End-to-end benchmark: rdshare against freerdp-shadow-cli on the same display, the same viewer (xfreerdp)
// and the same workload, in one run, printed as ratios (rdshare / shadow) with the targets of issue 10.
// The runs of the two sharers alternate (rdshare, shadow, rdshare, shadow, ...) on each scenario, so a change
// in the load of this shared machine falls on both. Prints a markdown table and writes it, with every raw
// figure, to bench/results/sharer-vs-shadow-<time>.json.
//
// Usage: pnpm bench [--quick] [--only=a,b,...] [--rounds=N] [--window=ms]
//   --quick   one round of 3 s per sharer and scenario (a smoke run, about 3 minutes)
//   --only    scenario ids: a b c d e1 e4 e8 avc444 bitmap lossless
// Environment: RDSHARE_BENCH_SURFACE_COPIES=0 runs rdshare without surface copies (session-host.ts);
// RDSHARE_BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each rdshare run there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type RunResult, type RunTiming, runOnce, startStage } from './measure.js';
import { markdown, type ScenarioSummary, scalingOf, summarizeScenario } from './report.js';
import { SCENARIOS, VIEWER_ARGS } from './scenarios.js';
import { SHARER_NAMES, type SharerKind } from './sharers.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: process.env.RDSHARE_BENCH_QUICK === '1' },
    only: { type: 'string' },
    rounds: { type: 'string' },
    window: { type: 'string' },
  },
});
const rounds = Number(values.rounds ?? (values.quick ? 1 : 2));
const timing: Omit<RunTiming, 'fidelity'> = {
  settleMs: values.quick ? 500 : 1000,
  windowMs: Number(values.window ?? (values.quick ? 3000 : 5000)),
};
const only = values.only?.split(',');
const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.id));
if (!scenarios.length) throw new Error(`no scenario named ${only}; known: ${SCENARIOS.map((s) => s.id).join(' ')}`);

const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const startedAt = new Date();
const loadBefore = load();
console.log(
  `sharer-vs-shadow: ${scenarios.length} scenarios, ${rounds} round(s) of ${timing.windowMs / 1000} s per sharer, ` +
    `load ${loadBefore.join(' ')} on ${cpus().length} cores`,
);

const summaries: ScenarioSummary[] = [];
/** Scenarios that could not be measured (a viewer that never showed a frame, say): reported, not fatal. */
const failures: { id: string; error: string }[] = [];
for (const scenario of scenarios) {
  const stage = await startStage(scenario);
  const runs: RunResult[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['rdshare', 'shadow'] as SharerKind[]) {
        const run = await runOnce(kind, stage, { ...timing, fidelity: round === rounds - 1 && scenario.viewers === 1 });
        runs.push(run);
        console.log(
          `  (${scenario.id}) round ${round + 1} ${SHARER_NAMES[kind].padEnd(18)} ` +
            `fps ${(run.framesSeen.reduce((a, b) => a + b, 0) / run.framesSeen.length / run.seconds).toFixed(1)}, ` +
            `${(run.bytes / run.seconds / 1000).toFixed(1)} kB/s, CPU ${((100 * run.cpuSeconds) / run.seconds).toFixed(1)} %, ` +
            `H.264 views ${run.avcPdus}`,
        );
      }
    }
  } catch (error) {
    const message = (error as Error).message;
    failures.push({ id: scenario.id, error: message });
    console.error(`  (${scenario.id}) FAILED: ${message}`);
    continue;
  } finally {
    await stage.stop();
  }
  const summary = summarizeScenario(scenario, runs);
  summaries.push(summary);
  if (scenario.mode === 'avc420' && !scenario.idle && summary.shadow.avcPdusPerSecond === 0)
    console.warn(`  (${scenario.id}) WARNING: shadow sent no AVC420 PDU; its figures are not those of its AVC420 path`);
}
const scaling = scalingOf(summaries);
const loadAfter = load();

const shadowEncoder = [
  ...new Set(summaries.flatMap((s) => s.runs.filter((r) => r.sharer === 'shadow').flatMap((r) => r.encoderLog))),
];
const xfreerdpVersion = `FreeRDP ${execFileSync('dpkg-query', ['-W', `-f=\${Version}`, 'freerdp2-x11'], { encoding: 'utf8' })}`;
const header = [
  `## rdshare vs freerdp-shadow-cli, ${startedAt.toISOString()}`,
  '',
  `${xfreerdpVersion}; viewer flags: AVC420 rows \`${VIEWER_ARGS.avc420.join(' ')}\`, AVC444 row \`${VIEWER_ARGS.avc444.join(' ')}\`, bitmap-update row \`${VIEWER_ARGS.bitmap.join(' ')}\`, lossless row \`${VIEWER_ARGS.lossless.join(' ')}\`. ` +
    `${rounds} round(s) x ${timing.windowMs / 1000} s per sharer and scenario, runs alternating, ${timing.settleMs / 1000} s settling ` +
    `after the first frame. Load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after (${cpus().length} cores). ` +
    `Shadow's codec checked per row: H.264 views/s counts the H264_METABLOCKs xfreerdp's rdpgfx channel logged; ` +
    `shadow's own log: ${shadowEncoder.length ? shadowEncoder.map((l) => `\`${l}\``).join(', ') : 'no H.264 encoder line'}.`,
  '',
  '',
].join('\n');
const table =
  header +
  markdown(summaries, scaling) +
  failures.map((f) => `\n\n(${f.id}) could not be measured: ${f.error.split('\n')[0]}`).join('');
console.log(`\n${table}\n`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`sharer-vs-shadow-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      startedAt,
      finishedAt: new Date(),
      machine: { cores: cpus().length, loadBefore, loadAfter },
      xfreerdp: xfreerdpVersion,
      viewerArgs: VIEWER_ARGS,
      rounds,
      timing,
      scenarios: summaries,
      failures,
      scaling,
      markdown: table,
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${file.pathname}`);
