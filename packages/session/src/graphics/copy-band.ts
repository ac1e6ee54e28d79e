import type { SurfaceMove } from './move-detector.js';
import { TILE_SIZE, type TileGrid } from './tile-grid.js';
import type { StoreMove } from './tile-store.js';

/**
 * The largest band of `move` whose source lies in tile rows, or in tile columns, a client holds at the move's
 * versions (`holds(tile)`: the version of the tile on its surface), if it fills a tile: a scroll's source usually
 * lacks a row (the lines it exposed last time), a pan's a column. The attendee's lossless stream sends this
 * copy, and the shared H.264 encoder reckons with it for the client that took every picture, so both agree on
 * which tiles a copy makes right.
 */
export function usableBand(grid: TileGrid, move: StoreMove, holds: (tile: number) => number): SurfaceMove | undefined {
  const { columns } = grid;
  const lackingRows = new Set<number>();
  const lackingColumns = new Set<number>();
  move.sourceTiles.forEach((t, i) => {
    if (holds(t) === move.sourceVersions[i]) return;
    lackingRows.add(Math.floor(t / columns));
    lackingColumns.add(t % columns);
  });
  if (lackingRows.size === 0) return { src: move.src, dest: move.dest };
  const { src, dest } = move;
  const rows = longestSpan(src.y, src.height, lackingRows);
  const cols = longestSpan(src.x, src.width, lackingColumns);
  const rowsArea = rows ? (rows.end - rows.start) * src.width : 0;
  const colsArea = cols ? (cols.end - cols.start) * src.height : 0;
  if (rows && rowsArea >= colsArea) {
    return {
      src: { ...src, y: rows.start, height: rows.end - rows.start },
      dest: { x: dest.x, y: dest.y + rows.start - src.y },
    };
  }
  if (!cols) return undefined;
  return {
    src: { ...src, x: cols.start, width: cols.end - cols.start },
    dest: { x: dest.x + cols.start - src.x, y: dest.y },
  };
}

/** The tiles a copy of `move` (whole, or a band of it) fills whole, each with its version after the move. */
export function tilesFilledBy(grid: TileGrid, move: StoreMove, copy: SurfaceMove): { tile: number; version: number }[] {
  return grid
    .tilesWithin({ ...copy.dest, width: copy.src.width, height: copy.src.height })
    .map((tile) => ({ tile, version: move.coveredVersions[move.coveredTiles.indexOf(tile)] }));
}

/** Whether a client's surface shows a newer picture than the move's in a tile the move writes. */
export function writesOverNewer(move: StoreMove, shown: (tile: number) => number): boolean {
  return move.destTiles.some((t, i) => shown(t) > move.destVersions[i]);
}

/**
 * The longest run of pixels in [start, start + length) that crosses none of the `lacking` tile rows (or columns),
 * if it spans at least a tile.
 */
function longestSpan(
  start: number,
  length: number,
  lacking: ReadonlySet<number>,
): { start: number; end: number } | undefined {
  let best: { start: number; end: number } | undefined;
  let from = start;
  const end = start + length;
  const consider = (to: number) => {
    if (to - from > (best ? best.end - best.start : 0)) best = { start: from, end: to };
  };
  for (let i = Math.floor(start / TILE_SIZE); i * TILE_SIZE < end; i++) {
    if (!lacking.has(i)) continue;
    consider(Math.max(from, i * TILE_SIZE));
    from = Math.max(from, (i + 1) * TILE_SIZE);
  }
  consider(end);
  return best && best.end - best.start >= TILE_SIZE ? best : undefined;
}
