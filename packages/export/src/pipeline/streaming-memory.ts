import { setFlagsFromString } from 'node:v8';

/**
 * Tunes V8 for a process that streams exports: a young generation that never grows collects the
 * millions of short-lived row objects before they are promoted, instead of letting the old generation
 * fill with them. Measured on 1,000,000-row exports: peak RSS 354 -> 260 MB (CSV rows) and
 * 360 -> 278 MB (XLSX), same speed. Process-wide, so only entry points (the CLI, a worker, the demo
 * server) call it, never a library.
 */
export function tuneForStreaming(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
