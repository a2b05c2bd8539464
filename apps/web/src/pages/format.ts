/** Cents as a price in euros, in `locale`'s way, e.g. 155690 -> "€1,556.90" (en-US), "1.556,90 €" (fr-BE). */
export function formatMoney(cents: number, locale: string): string {
  return (cents / 100).toLocaleString(locale, { style: 'currency', currency: 'EUR' });
}
