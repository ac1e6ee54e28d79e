// Keeps `pnpm bench` from rotting without running it: one short scenario end to end for both sharers, through
// the benchmark's own harness, and the figures it reports must be those of a working measurement.
import { expect, it } from 'vitest';
import { runOnce, startStage } from '../../bench/measure.js';
import { summarizeScenario } from '../../bench/report.js';
import { SCENARIOS } from '../../bench/scenarios.js';

it('the sharer-vs-shadow harness measures both sharers on the animated scenario', { timeout: 120_000 }, async () => {
  const scenario = SCENARIOS.find((s) => s.id === 'a')!;
  const stage = await startStage(scenario);
  try {
    const timing = { settleMs: 300, windowMs: 1500, fidelity: false };
    const runs = [await runOnce('rdshare', stage, timing), await runOnce('shadow', stage, timing)];
    const summary = summarizeScenario(scenario, runs);
    for (const side of [summary.rdshare, summary.shadow]) {
      expect(side.fpsDrawn, `${side.sharer} workload`).toBeGreaterThan(10);
      expect(side.fps, `${side.sharer} frames seen`).toBeGreaterThan(0);
      expect(side.latencyP50Ms, `${side.sharer} latency`).toBeGreaterThan(0);
      expect(side.bytesPerSecond, `${side.sharer} bytes`).toBeGreaterThan(0);
      expect(side.cpuPercent, `${side.sharer} CPU`).toBeGreaterThan(0);
    }
    // The baseline really is shadow's H.264 path: its viewer decoded AVC420.
    expect(summary.shadow.avcPdusPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(summary.ratios.bytes)).toBe(true);
  } finally {
    await stage.stop();
  }
});
