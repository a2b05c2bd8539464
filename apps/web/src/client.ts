import { createSluiceClient } from '@sluice/react';

/** Told when any call answers 401, so the app can show the login page. */
let onUnauthenticated = () => {};
export function whenUnauthenticated(listener: () => void): void {
  onUnauthenticated = listener;
}

/**
 * The one client of the demo's API, with the session cookie (same origin), in the page's language. A
 * 401 outside login means the session has ended: the app goes back to its login page.
 */
export const client = createSluiceClient({
  fetch: async (input, init) => {
    // The page's language (see LanguageProvider) is the reader's: the server answers in it.
    const headers = new Headers(init?.headers);
    headers.set('accept-language', document.documentElement.lang || navigator.language);
    const response = await fetch(input, { ...init, headers });
    if (response.status === 401 && !String(input).endsWith('/api/login')) onUnauthenticated();
    return response;
  },
});
