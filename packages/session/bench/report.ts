// Pools the runs of each sharer per scenario, divides ours by shadow's and checks the targets of issue 10
// (each a ratio to shadow's AVC420 path in the same run). A missed target is reported, never thrown: the
// benchmark measures, it does not gate.
import { percentile } from '@rdshare/testkit';
import type { RunResult } from './measure.js';
import type { Scenario } from './scenarios.js';
import { SHARER_NAMES, type SharerKind } from './sharers.js';

export interface SideSummary {
  sharer: SharerKind;
  runs: number;
  seconds: number;
  /** Frames per second the workload drew. */
  fpsDrawn: number;
  /** Frames per second each viewer showed, averaged over the viewers. */
  fps: number;
  /** The slowest viewer's frames per second. */
  fpsSlowestViewer: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  bytesPerSecond: number;
  /** Sharer CPU time per second, in % of one core. */
  cpuPercent: number;
  /** H.264 views each viewer decoded per second (an AVC420 PDU is one, an AVC444 PDU with both views two). */
  avcPdusPerSecond: number;
  /** Connect to first frame, median of the runs. */
  firstFrameMs: number;
  /** Worst fidelity of the runs that checked it. */
  identicalPercent?: number;
}

export interface Target {
  what: string;
  value: number;
  /** Rendered as in the table, e.g. `0.45x` or `0 B/s`. */
  shown: string;
  pass: boolean;
}

export interface ScenarioSummary {
  scenario: Scenario;
  rdshare: SideSummary;
  shadow: SideSummary;
  /** rdshare / shadow. */
  ratios: { fps: number; latencyP50: number; latencyP95: number; bytes: number; cpu: number };
  targets: Target[];
  runs: RunResult[];
}

/** Frames delivered counts as "all of them" from this share of the frames drawn up (a reader may miss a few). */
export const ALL_FRAMES_PERCENT = 95;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

export function summarizeSide(sharer: SharerKind, runs: RunResult[]): SideSummary {
  const seconds = sum(runs.map((r) => r.seconds));
  const viewers = runs[0].framesSeen.length;
  const perViewer = Array.from({ length: viewers }, (_, i) => sum(runs.map((r) => r.framesSeen[i])) / seconds);
  const latencies = runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const checked = runs.flatMap((r) => (r.identicalPercent === undefined ? [] : [r.identicalPercent]));
  return {
    sharer,
    runs: runs.length,
    seconds,
    fpsDrawn: sum(runs.map((r) => r.framesDrawn)) / seconds,
    fps: sum(perViewer) / viewers,
    fpsSlowestViewer: Math.min(...perViewer),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    bytesPerSecond: sum(runs.map((r) => r.bytes)) / seconds,
    cpuPercent: (100 * sum(runs.map((r) => r.cpuSeconds))) / seconds,
    avcPdusPerSecond: sum(runs.map((r) => r.avcPdus)) / seconds / viewers,
    firstFrameMs: median(runs.map((r) => r.firstFrameMs)),
    identicalPercent: checked.length ? Math.min(...checked) : undefined,
  };
}

function targetsOf(scenario: Scenario, ours: SideSummary, ratios: ScenarioSummary['ratios']): Target[] {
  if (scenario.mode !== 'avc420') return [];
  if (scenario.idle)
    return [
      {
        what: 'idle costs 0 bytes/s',
        value: ours.bytesPerSecond,
        shown: `${ours.bytesPerSecond.toFixed(0)} B/s`,
        pass: ours.bytesPerSecond === 0,
      },
      {
        what: 'idle costs < 1 % CPU',
        value: ours.cpuPercent,
        shown: `${ours.cpuPercent.toFixed(2)} %`,
        pass: ours.cpuPercent < 1,
      },
    ];
  const delivered = ours.fpsDrawn > 0 ? (100 * ours.fpsSlowestViewer) / ours.fpsDrawn : 0;
  const ratio = (what: string, value: number, limit: number): Target => ({
    what: `${what} <= ${limit}x shadow`,
    value,
    shown: `${value.toFixed(2)}x`,
    pass: value <= limit,
  });
  return [
    {
      what: `frames delivered >= ${ALL_FRAMES_PERCENT} % of drawn (slowest viewer)`,
      value: delivered,
      shown: `${delivered.toFixed(1)} %`,
      pass: delivered >= ALL_FRAMES_PERCENT,
    },
    ratio('p50 latency', ratios.latencyP50, 0.6),
    ratio('bytes/s', ratios.bytes, 1),
    ratio('sharer CPU', ratios.cpu, 0.5),
  ];
}

export function summarizeScenario(scenario: Scenario, runs: RunResult[]): ScenarioSummary {
  const rdshare = summarizeSide(
    'rdshare',
    runs.filter((r) => r.sharer === 'rdshare'),
  );
  const shadow = summarizeSide(
    'shadow',
    runs.filter((r) => r.sharer === 'shadow'),
  );
  const ratios = {
    fps: rdshare.fps / shadow.fps,
    latencyP50: rdshare.latencyP50Ms / shadow.latencyP50Ms,
    latencyP95: rdshare.latencyP95Ms / shadow.latencyP95Ms,
    bytes: rdshare.bytesPerSecond / shadow.bytesPerSecond,
    cpu: rdshare.cpuPercent / shadow.cpuPercent,
  };
  return { scenario, rdshare, shadow, ratios, targets: targetsOf(scenario, rdshare, ratios), runs };
}

export interface Scaling {
  /** Sharer CPU with 8 viewers / with 1 viewer, per sharer. */
  rdshare: number;
  shadow: number;
  target: Target;
}

/** The multi-viewer target: 8 viewers cost at most 1.5x the sharer CPU of one. */
export function scalingOf(summaries: ScenarioSummary[]): Scaling | undefined {
  const one = summaries.find((s) => s.scenario.id === 'e1');
  const eight = summaries.find((s) => s.scenario.id === 'e8');
  if (!one || !eight) return undefined;
  const rdshare = eight.rdshare.cpuPercent / one.rdshare.cpuPercent;
  const shadow = eight.shadow.cpuPercent / one.shadow.cpuPercent;
  return {
    rdshare,
    shadow,
    target: {
      what: '8 viewers <= 1.5x the sharer CPU of 1',
      value: rdshare,
      shown: `${rdshare.toFixed(2)}x`,
      pass: rdshare <= 1.5,
    },
  };
}

const VIEWER_LABELS: Record<Scenario['mode'], string> = {
  avc420: '/gfx:AVC420',
  avc444: '/gfx:AVC444',
  bitmap: 'no /gfx',
  lossless: '/gfx',
};

const mark = (t: Target | undefined) => (t ? ` **${t.pass ? 'PASS' : 'MISS'}**` : '');

function cell(ours: number, shadow: number, digits: number, target?: Target): string {
  const show = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
  const ratio = ours / shadow;
  return `${show(ours)} / ${show(shadow)} = ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '–'}${mark(target)}`;
}

/** The results as a markdown table (each cell: rdshare / shadow = ratio) and the list of targets. */
export function markdown(summaries: ScenarioSummary[], scaling: Scaling | undefined): string {
  const lines = [
    '| scenario | viewer | fps seen (drawn; ours delivered) | p50 ms | p95 ms | kB/s | sharer CPU % | H.264 views/s per viewer | identical % |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { scenario, rdshare: r, shadow: s, targets } of summaries) {
    const target = (what: string) => targets.find((t) => t.what.startsWith(what));
    const mode = VIEWER_LABELS[scenario.mode];
    const viewers = scenario.viewers > 1 ? ` x${scenario.viewers}` : '';
    const delivered = target('frames');
    const fps = scenario.idle
      ? 'idle'
      : `${cell(r.fps, s.fps, 1)} (drawn ${r.fpsDrawn.toFixed(1)}${delivered ? `; ${delivered.shown}${mark(delivered)}` : ''})`;
    const identical =
      r.identicalPercent === undefined || s.identicalPercent === undefined
        ? '–'
        : `${r.identicalPercent.toFixed(2)} / ${s.identicalPercent.toFixed(2)}`;
    lines.push(
      `| (${scenario.id}) ${scenario.title} | ${mode}${viewers} | ${fps} | ${cell(r.latencyP50Ms, s.latencyP50Ms, 0, target('p50'))} | ` +
        `${cell(r.latencyP95Ms, s.latencyP95Ms, 0)} | ${cell(r.bytesPerSecond / 1000, s.bytesPerSecond / 1000, 1, target('bytes') ?? target('idle costs 0'))} | ` +
        `${cell(r.cpuPercent, s.cpuPercent, 1, target('sharer CPU') ?? target('idle costs <'))} | ` +
        `${r.avcPdusPerSecond.toFixed(1)} / ${s.avcPdusPerSecond.toFixed(1)} | ${identical} |`,
    );
  }
  lines.push(
    '',
    `Each cell: ${SHARER_NAMES.rdshare} / ${SHARER_NAMES.shadow} = ratio.`,
    '',
    '| target | scenario | measured | |',
    '|---|---|---|---|',
  );
  for (const { scenario, targets } of summaries)
    for (const t of targets) lines.push(`| ${t.what} | (${scenario.id}) | ${t.shown} | ${t.pass ? 'PASS' : 'MISS'} |`);
  if (scaling)
    lines.push(
      `| ${scaling.target.what} | (e8)/(e1) | ${scaling.target.shown} (shadow: ${scaling.shadow.toFixed(2)}x) | ${scaling.target.pass ? 'PASS' : 'MISS'} |`,
    );
  return lines.join('\n');
}
