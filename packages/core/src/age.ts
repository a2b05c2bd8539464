const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/**
 * Milliseconds of an age such as `365d`, `12h` or `30m`; null when malformed or not positive, so each
 * package raises its own error.
 *
 * @example
 * ```ts
 * ageInMs('30d'); // 2_592_000_000
 * ```
 */
export function ageInMs(value: string): number | null {
  const match = /^(\d+)([dhm])$/.exec(value.trim());
  const amount = match ? Number(match[1]) : 0;
  return match && amount > 0 ? amount * (units[match[2] as string] as number) : null;
}
