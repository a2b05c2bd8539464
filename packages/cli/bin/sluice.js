#!/usr/bin/env node
// The `sluice` command: a plain JavaScript shim (present before the build, so npm links it) over the built CLI.
import '../dist/bin.js';
