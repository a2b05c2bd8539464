/**
 * Runs one `sluice` CLI command in this process, set up like the `sluice` bin, and prints its wall time
 * and peak RSS as a JSON line on stderr, so the export-task benchmark measures the task path and the
 * direct path the same way.
 */
import { runCli } from '@sluice/cli';
import { tuneForStreaming } from '@sluice/export';

tuneForStreaming(); // as the sluice bin does

const started = performance.now();
const code = await runCli(process.argv.slice(2), { progress: { write: () => true } });
process.stderr.write(
  `${JSON.stringify({ code, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
process.exitCode = code;
