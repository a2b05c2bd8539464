/**
 * `median (min-max)` of `samples`, as every benchmark reports a figure.
 * @example spread([3, 1, 2], 1) // "2.0 (1.0-3.0)"
 */
export function spread(samples: number[], digits: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (index: number) => (sorted[index] as number).toFixed(digits);
  return `${at(Math.floor(sorted.length / 2))} (${at(0)}-${at(sorted.length - 1)})`;
}
