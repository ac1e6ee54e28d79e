import { GfxCapsVersion } from '@rdshare/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arena, type AttackRow, reportTable, SCALE } from './arena.js';
import {
  abruptKills,
  garbageFlood,
  limitRace,
  mutatedHandshakes,
  parallelGuessing,
  slowloris,
  stoppedViewerUnderCursorChurn,
} from './attacks.js';
import { hostileGraphicsPipeline, mutatedDvcPdus, stalledGfxViewer } from './gfx-attacks.js';
import { PLAIN_CAPS } from './gfx-client.js';

/**
 * The living adversarial suite: each attack runs against one sharer while an honest xfreerdp viewer is asserted
 * to keep receiving live frames and the sharer's memory stays bounded. `pnpm test` runs it at SCALE 1 (about
 * two minutes); `pnpm --filter @rdshare/session attack` runs it bigger and longer and prints the same table.
 */
describe('adversarial suite', { timeout: 600_000 }, () => {
  const arena = new Arena();
  const rows: AttackRow[] = [];
  /** Growth the sharer may show over one attack (GC timing, capture buffers): far below what a leak shows. */
  const RSS_GROWTH_LIMIT_MB = 96;

  beforeAll(() => arena.start(), 90_000);
  afterAll(async () => {
    console.log(`\nadversarial suite (scale ${SCALE}):\n${reportTable(rows)}\n`);
    await arena.stop();
  });

  function expectHealthy(row: AttackRow): void {
    rows.push(row);
    expect(row.survived, `${row.attack}: the honest attendee was lost`).toBe(true);
    expect(row.honestViewerOk, `${row.attack}: the honest viewer stopped receiving frames`).toBe(true);
    expect(row.rssAfterMb - row.rssBeforeMb, `${row.attack}: RSS grew`).toBeLessThan(RSS_GROWTH_LIMIT_MB);
  }

  it('random bytes', async () => {
    expectHealthy(await arena.run('random bytes', () => garbageFlood(arena, 200 * SCALE)));
  });

  it('mutated handshakes', async () => {
    expectHealthy(await arena.run('mutated handshakes', () => mutatedHandshakes(arena, 300 * SCALE)));
  });

  it('abrupt kills', async () => {
    let detail: Awaited<ReturnType<typeof abruptKills>> | undefined;
    expectHealthy(
      await arena.run('abrupt kills', async () => {
        detail = await abruptKills(arena, 30 * SCALE);
        return detail;
      }),
    );
    // Every admitted attendee that vanished was reported as gone.
    expect(detail!.disconnects).toBe(detail!.admitted);
  });

  it('attendee limit race', async () => {
    expectHealthy(await arena.run('limit race', () => limitRace(arena, 10)));
  });

  it('slowloris', async () => {
    let stillHeld = -1;
    expectHealthy(
      await arena.run('slowloris', async () => {
        const result = await slowloris(arena, 200 * SCALE, 15_000 * SCALE);
        stillHeld = result.stillHeld;
        return result;
      }),
    );
    // The hold outlasts the default handshake deadline (10 s): no trickling connection may still be open.
    expect(stillHeld).toBe(0);
  });

  it('stopped viewer under cursor churn', async () => {
    let slope = 0;
    expectHealthy(
      await arena.run('stopped viewer + cursor churn', async () => {
        const result = await stoppedViewerUnderCursorChurn(arena, 30 * SCALE);
        slope = result.slope;
        return result;
      }),
    );
    // A queue for the stopped viewer shows as steady growth (it was about 2 MB/s before latest-wins pointers).
    expect(slope).toBeLessThan(0.5);
  });

  it('hostile graphics pipeline client', async () => {
    let results: Awaited<ReturnType<typeof hostileGraphicsPipeline>>['results'] = [];
    expectHealthy(
      await arena.run('hostile gfx client', async () => {
        const outcome = await hostileGraphicsPipeline(arena);
        results = outcome.results;
        return outcome;
      }),
    );
    // Each case says what the sharer did instead: ended a connection it should have kept, or the reverse.
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('mutated DVC PDUs', async () => {
    let failures: string[] = [];
    expectHealthy(
      await arena.run('mutated DVC PDUs', async () => {
        const outcome = await mutatedDvcPdus(arena, 24 * SCALE);
        failures = outcome.failures;
        return outcome;
      }),
    );
    expect(failures).toEqual([]);
  });

  // Without H.264 the motion goes as lossless tiles; with it, as access units of the encoder the honest viewer shares.
  it.each([
    ['lossless', PLAIN_CAPS, 'none'],
    ['AVC444v2', [{ version: GfxCapsVersion.VERSION107, flags: 0 }], 'avc444v2'],
  ])('stalled graphics pipeline viewer (%s)', async (kind, caps, avc) => {
    let detail: Awaited<ReturnType<typeof stalledGfxViewer>> | undefined;
    expectHealthy(
      await arena.run(`stalled gfx viewer (${kind})`, async () => {
        detail = await stalledGfxViewer(arena, 10 * SCALE, caps);
        return detail;
      }),
    );
    expect(detail!.avc).toBe(avc);
    // Not reading is no reason to be dropped; what it does not read must stop at the socket's backlog (256 KiB
    // and the kernels' buffers), where a queue for it would grow by megabytes a second.
    expect(detail!.stillThere).toBe(true);
    expect(detail!.unreadMb).toBeLessThan(16);
    expect(detail!.unreadGrowthMb).toBeLessThan(1);
  });

  // Last: it may leave the loopback prefix throttled for the rest of the run.
  it('parallel password guessing', async () => {
    expectHealthy(await arena.run('parallel guessing', () => parallelGuessing(arena, 60 * SCALE)));
  });
});
