import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Saves an X display's whole screen as PNG (ImageMagick's `import`). */
export async function captureDisplay(display: string, file: string): Promise<void> {
  await execFileAsync('import', ['-display', display, '-window', 'root', file]);
}

/** Puts images side by side in one PNG, each scaled to the same box with its label under it (ImageMagick). */
export async function montage(images: { label: string; file: string }[], out: string): Promise<void> {
  await execFileAsync('montage', [
    ...images.flatMap(({ label, file }) => ['-label', label, file]),
    '-tile',
    `${images.length}x1`,
    '-geometry',
    '760x475+8+8',
    '-background',
    '#dddddd',
    '-font',
    'DejaVu-Sans',
    '-pointsize',
    '22',
    out,
  ]);
}
