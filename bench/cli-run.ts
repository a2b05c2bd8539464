/**
 * Runs one `sluice` CLI command in this process exactly as the `sluice` bin does (cliMain), and prints
 * its wall time and peak RSS as a JSON line on stderr, so the export-task benchmark measures the task
 * path and the direct path the same way.
 */
import { cliMain } from '@sluice/cli';

const started = performance.now();
await cliMain({ progress: { write: () => true } });
process.stderr.write(
  `${JSON.stringify({ code: process.exitCode ?? 0, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
