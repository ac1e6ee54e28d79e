import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { CliError } from './cli-error.js';

/** Writes tightly packed RGBA pixels as a PNG file. */
export function writePng(file: string, width: number, height: number, rgba: Uint8Array): void {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, width * height * 4);
  try {
    writeFileSync(file, PNG.sync.write(png));
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`, 'choose a writable path for --screenshot');
  }
}
