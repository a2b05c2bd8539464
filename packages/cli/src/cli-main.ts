import { tuneForStreaming } from '@sluice/export';
import { type CliOptions, runCli } from './run-cli.ts';

/**
 * What a `sluice` executable does: tune the process for streaming exports, run the command line,
 * leave its exit code. The bin runs it; a bundle (`npm run build`) runs it with its config built in.
 */
export async function cliMain(options: CliOptions = {}): Promise<void> {
  tuneForStreaming();
  process.exitCode = await runCli(process.argv.slice(2), options);
}
