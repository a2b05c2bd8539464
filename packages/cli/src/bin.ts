#!/usr/bin/env node
import { tuneForStreaming } from '@sluice/export';
import { runCli } from './run-cli.ts';

tuneForStreaming();
process.exitCode = await runCli(process.argv.slice(2));
