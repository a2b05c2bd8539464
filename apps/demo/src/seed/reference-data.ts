import type { Gender, UserRole } from '../db/entities/index.ts';
import { statusNames } from '../db/entities/index.ts';

/** Centers of the demo, ids 1..4. */
export const demoCenters = ['Brussels', 'Antwerp', 'Ghent', 'Liège'];

export const demoActivityTypes = ['Home visit', 'Phone call', 'Office appointment', 'Workshop', 'Email follow-up', 'Group session'];

/** Products with prices in cents. */
export const demoProducts: [string, number][] = [
  ['TV', 49_900],
  ['Laptop', 119_900],
  ['Headphones', 7_999],
  ['Coffee machine', 24_950],
  ['Desk chair', 18_900],
  ['Monitor', 21_900],
  ['Keyboard', 4_990],
  ['Mouse', 2_490],
  ['Phone', 79_900],
  ['Tablet', 39_900],
  ['Printer', 14_990],
  ['Router', 8_990],
  ['Camera', 54_900],
  ['Speaker', 12_900],
  ['Lamp', 3_990],
];

export const demoStatuses = statusNames;

/** Demo accounts: password equals the user name. `centers` are center ids; `null` means all. */
export const demoUsers: { username: string; email: string; roles: UserRole[]; centers: number[] | null }[] = [
  { username: 'admin', email: 'admin@sluice.example', roles: ['ADMIN'], centers: null },
  { username: 'alice', email: 'alice@sluice.example', roles: ['EXPORT', 'HISTORY', 'SYNC'], centers: [1, 2] },
  { username: 'bob', email: 'bob@sluice.example', roles: [], centers: [3] },
];

/** Weighted choices; each weight is a share of the whole. The remainder of 1 is NULL. */
export const genderWeights: [Gender, number][] = [
  ['female', 0.48],
  ['male', 0.46],
  ['other', 0.01],
];

export const nationalityWeights: [string, number][] = [
  ['BE', 0.55],
  ['FR', 0.06],
  ['NL', 0.05],
  ['MA', 0.05],
  ['TR', 0.04],
  ['IT', 0.03],
  ['PL', 0.03],
  ['RO', 0.03],
  ['DE', 0.02],
  ['ES', 0.02],
  ['PT', 0.02],
  ['CD', 0.02],
  ['SY', 0.01],
  ['GB', 0.01],
  ['UA', 0.01],
];

/** Share of people in each center (by index into {@link demoCenters}). */
export const centerWeights = [0.4, 0.3, 0.2, 0.1];
