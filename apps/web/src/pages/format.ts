/** Cents as a price, e.g. 155690 -> "€1,556.90". */
export function formatMoney(cents: number): string {
  return (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'EUR' });
}
