import { parseArgs } from 'node:util';
import { isSluiceError } from '@sluice/core';
import { commands } from './commands.ts';
import { loadSluiceConfig } from './load-config.ts';

/** Exit codes: 0 done, 1 failed while running, 2 bad usage or input. */
export async function runCli(argv: string[], log = console.log, error = console.error): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    error(
      `${name ? `unknown command "${name}"\n` : ''}usage:\n${Object.values(commands)
        .map((c) => `  ${c.usage}\n      ${c.description}`)
        .join('\n')}`,
    );
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: rest, options: { ...command.options, config: { type: 'string' } }, strict: true }).values;
  } catch (cause) {
    error(`${(cause as Error).message}\nusage: ${command.usage}`);
    return 2;
  }
  try {
    const config = await loadSluiceConfig(values.config as string | undefined);
    return await command.run(config, values, log);
  } catch (cause) {
    if (isSluiceError(cause)) {
      error(`${cause.code}: ${cause.message}`);
      return cause.statusCode < 500 ? 2 : 1;
    }
    error(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
    return 1;
  }
}
