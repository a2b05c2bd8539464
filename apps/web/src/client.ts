import { createSluiceClient } from '@sluice/react';

/** Told when any call answers 401, so the app can show the login page. */
let onUnauthenticated = () => {};
export function whenUnauthenticated(listener: () => void): void {
  onUnauthenticated = listener;
}

/**
 * The one client of the demo's API, with the session cookie (same origin). A 401 outside login means
 * the session has ended: the app goes back to its login page.
 */
export const client = createSluiceClient({
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401 && !String(input).endsWith('/api/login')) onUnauthenticated();
    return response;
  },
});
