// Bundles the web client into dist/: app.js with socket.io-client inlined (from node_modules, never a CDN),
// plus the page and its stylesheet. Run by scripts/setup.sh and the Dockerfile's node stage.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const here = new URL('.', import.meta.url).pathname;
const dist = `${here}dist`;
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [`${here}src/app.js`],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: `${dist}/app.js`,
  logLevel: 'info',
});
await copyFile(`${here}src/index.html`, `${dist}/index.html`);
await copyFile(`${here}src/style.css`, `${dist}/style.css`);
