import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressReporter } from '../src/index.ts';

function output(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, write: (text: string) => written.push(text), written };
}

describe('ProgressReporter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws one bar with percentage, rate and ETA on a terminal', () => {
    vi.useFakeTimers({ now: 0 });
    const out = output(true);
    const bar = new ProgressReporter(out, 'task 7');
    vi.setSystemTime(2_000);
    bar.update(50_000, 200_000);
    vi.setSystemTime(2_050);
    bar.update(60_000, 200_000); // within 100 ms of the last draw: skipped
    vi.setSystemTime(4_000);
    bar.update(100_000, 200_000);
    bar.done('succeeded');
    expect(out.written).toHaveLength(3);
    expect(out.written[0]).toBe('\rtask 7 [######------------------]  25% 50,000/200,000 rows, 25,000 rows/s, ETA 6s\x1b[K');
    expect(out.written[1]).toContain(' 50% 100,000/200,000 rows, 25,000 rows/s, ETA 4s');
    expect(out.written[2]).toBe('\r\x1b[Ktask 7: succeeded in 4s\n');
  });

  it('writes a plain line at most every 5 seconds elsewhere (short runs only their summary), total or not', () => {
    vi.useFakeTimers({ now: 0 });
    const out = output(false);
    const bar = new ProgressReporter(out, 'list_people');
    for (const second of [1, 3, 6, 8, 11]) {
      vi.setSystemTime(second * 1_000);
      bar.update(second * 1_000, null);
    }
    bar.done('succeeded');
    expect(out.written).toEqual([
      'list_people: 6,000 rows, 1,000 rows/s, ETA ?\n',
      'list_people: 11,000 rows, 1,000 rows/s, ETA ?\n',
      'list_people: succeeded in 11s\n',
    ]);
  });

  it('marks an estimated total and never counts down below zero once the rows pass it', () => {
    vi.useFakeTimers({ now: 0 });
    const out = output(false);
    const bar = new ProgressReporter(out, 'list_people');
    vi.setSystemTime(5_000);
    bar.update(50_000, 100_000, false);
    vi.setSystemTime(10_000);
    bar.update(110_000, 100_000, false);
    expect(out.written).toEqual(['list_people: 50,000/~100,000 rows, 10,000 rows/s, ETA 5s\n', 'list_people: 110,000/~100,000 rows, 11,000 rows/s, ETA 0s\n']);
  });
});
