#!/usr/bin/env node
// The `sluice` command: a plain JavaScript shim (present before the build, so npm links it). It runs the
// app's bundle (`sluice bundle`) when one is built and nothing it holds changed since, else the CLI.
import { pathToFileURL } from 'node:url';
import { bundleToRun } from '../dist/bundle-freshness.js';

const bundle = bundleToRun(process.cwd(), process.argv.slice(2));
await import(bundle ? pathToFileURL(bundle).href : '../dist/bin.js');
