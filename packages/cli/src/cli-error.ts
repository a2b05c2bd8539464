import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes the `sluice` command raises itself (exit 2: the invocation is wrong, not the work). */
export const cliErrorCodes = defineErrorCatalog({
  CLI_USAGE: { statusCode: 400, description: 'Unknown command or option, a missing or extra argument, or an option value of the wrong form.' },
  CLI_CONFIG_NOT_FOUND: {
    statusCode: 400,
    description:
      'No sluice config was found: `--config <path>`, the `sluice.configPaths` of package.json and the default paths were searched (`sluice debug` lists them).',
  },
  CLI_OUTPUT_UNWRITABLE: { statusCode: 400, description: 'The `--out` file cannot be created or written (missing folder, no permission).' },
});

/** A wrong invocation of the CLI. */
export class CliError extends SluiceError {
  static usage(message: string): CliError {
    return new CliError('CLI_USAGE', message);
  }

  static outputUnwritable(path: string, reason: string): CliError {
    return new CliError('CLI_OUTPUT_UNWRITABLE', `cannot write ${path}: ${reason}`, { details: { path } });
  }

  static configNotFound(searched: readonly string[]): CliError {
    return new CliError('CLI_CONFIG_NOT_FOUND', `no sluice config found; searched ${searched.join(', ')}`, { details: { searched } });
  }
}
