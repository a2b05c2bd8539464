const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

// CLDR also names codes that ISO 3166-1 does not assign as countries: user-assigned (AA, QM-QZ,
// XA-XZ, ZZ), groupings (EU, EZ, UN), exceptionally reserved (AC, CP, CQ, DG, EA, IC, TA, UK) and
// withdrawn ones (AN, BU, CS, DD, DY, FX, HV, NH, RH, SU, TP, VD, YD, YU, ZR).
const notCountries = /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN|AC|CP|CQ|DG|EA|IC|TA|UK|AN|BU|CS|DD|DY|FX|HV|NH|RH|SU|TP|VD|YD|YU|ZR)$/;

/** True for the 249 officially assigned ISO 3166-1 alpha-2 codes (upper case). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !notCountries.test(code) && regionNames.of(code) !== undefined;
}

const namesByLocale = new Map<string, Intl.DisplayNames>([['en', regionNames]]);

/** The name of a country code in `locale`, e.g. `BE` -> `Belgium`, `Belgique`, `België`; the code itself when unknown. */
export function countryName(code: string, locale = 'en'): string {
  let names = namesByLocale.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    namesByLocale.set(locale, names);
  }
  return (isCountryCode(code) && names.of(code)) || code;
}
