/**
 * TEMPORARY: shapes the demo's routes answer that no server package exports a schema or type for yet.
 * Each mirrors the named zod schema by hand; replace it with `z.infer<typeof …>` once that schema is
 * exported from a package. Nothing else in this package may copy a server shape.
 */
import type { ColumnType, JsonCell } from '@sluice/export';

/**
 * `POST /api/exports/check`: the request in sentences and the formatter's title.
 * Mirrors the inline 200 response schema in `apps/demo/src/http/routes/exports.ts`.
 */
export interface ExportCheck {
  description: string[];
  formatter: string;
}

/**
 * `POST /api/exports/preview`: typed columns, labelled cells (at most 1,000 rows), the request in sentences.
 * Mirrors `previewDto` in `apps/demo/src/http/routes/exports.ts`.
 */
export interface ExportPreview {
  columns: { key: string; label: string; type?: ColumnType }[];
  rows: JsonCell[][];
  description: string[];
  truncated: boolean;
}

/**
 * `GET /api/me`: the logged-in user, what the UI may offer them, and their centers.
 * Mirrors `meDto` in `apps/demo/src/http/routes/me.ts` (roles there are the demo's `userRoles` enum).
 */
export interface CurrentUser {
  id: number;
  username: string;
  roles: string[];
  may: { export: boolean; history: boolean; sync: boolean };
  centers: { id: number; name: string }[];
}
