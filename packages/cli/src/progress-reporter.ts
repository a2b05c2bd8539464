/** Where progress goes: a terminal gets a redrawn bar, anything else plain lines. */
export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const formatCount = (n: number) => n.toLocaleString('en-US');

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/**
 * Shows rows done, rate and ETA of one export. Written here because it is fed by task progress
 * callbacks (not a loop it drives) and must fall back to throttled log lines off a terminal, for CI
 * and log collectors; that is thirty lines, not a dependency.
 */
export class ProgressReporter {
  readonly #out: ProgressOutput;
  readonly #label: string;
  readonly #started = Date.now();
  #lastDraw = 0;
  #lastLine = 0;

  constructor(out: ProgressOutput, label: string) {
    this.#out = out;
    this.#label = label;
  }

  #text(processed: number, total: number | null, exact: boolean): string {
    const seconds = (Date.now() - this.#started) / 1000;
    const rate = seconds > 0 ? processed / seconds : 0;
    // An estimated total may be passed before the end: then nothing is left to wait for, as far as it knows.
    const eta = total !== null && rate > 0 ? formatDuration(Math.max(0, total - processed) / rate) : '?';
    const of = total === null ? formatCount(processed) : `${formatCount(processed)}/${exact ? '' : '~'}${formatCount(total)}`;
    return `${of} rows, ${formatCount(Math.round(rate))} rows/s, ETA ${eta}`;
  }

  /** `exact` false marks `total` as an estimate (shown as `~1,000,000`). */
  update(processed: number, total: number | null, exact = true): void {
    const now = Date.now();
    if (this.#out.isTTY) {
      if (now - this.#lastDraw < 100) return;
      this.#lastDraw = now;
      const ratio = total ? Math.min(1, processed / total) : 0;
      const width = 24;
      const bar = total ? `[${'#'.repeat(Math.round(ratio * width)).padEnd(width, '-')}] ${String(Math.floor(ratio * 100)).padStart(3)}% ` : '';
      this.#out.write(`\r${this.#label} ${bar}${this.#text(processed, total, exact)}\x1b[K`);
    } else if (now - this.#lastLine >= 5_000) {
      this.#lastLine = now;
      this.#out.write(`${this.#label}: ${this.#text(processed, total, exact)}\n`);
    }
  }

  /** Ends the bar with a final line. */
  done(summary: string): void {
    this.#out.write(`${this.#out.isTTY ? '\r\x1b[K' : ''}${this.#label}: ${summary} in ${formatDuration((Date.now() - this.#started) / 1000)}\n`);
  }
}
