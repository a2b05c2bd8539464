#!/usr/bin/env node
import { cliMain } from './cli-main.ts';

await cliMain();
