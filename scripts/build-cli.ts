/**
 * `npm run build`: bundles the `sluice` CLI with the root `sluice.config.ts` into `dist/sluice.mjs`,
 * plain JavaScript, for production workers: `node dist/sluice.mjs export:worker`. The same as any app
 * gets with `npx sluice bundle` (packages/cli/src/bundle-command.ts).
 *
 * Why: running TypeScript sources makes Node load its type stripper and keep every stripped module,
 * and loading the dependencies file by file is most of the start-up (an empty export: 0.42 s from the
 * sources, 0.20 s bundled). Development and tests keep running the sources; workers run the bundle.
 * Usage: node scripts/build-cli.ts [--outdir dist] [--config sluice.config.ts]
 */
import { runCli } from '@sluice/cli';

process.exitCode = await runCli(['bundle', ...process.argv.slice(2)]);
