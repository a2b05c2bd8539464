import type { EntityMetadata } from '@mikro-orm/core';
import { chunks, type Dialect, placeholders, type SqlRun } from '@sluice/db';
import type { ComparableValue } from './field-values.ts';

/**
 * Resolves related entities' display names in one query per target entity and display field,
 * inside the flush transaction. Ids that are gone display as `#id`.
 */
export class DisplayNames {
  readonly #wanted = new Map<string, { meta: EntityMetadata; field: string; ids: Set<string> }>();
  readonly #names = new Map<string, string>();

  want(meta: EntityMetadata, field: string | undefined, ids: Iterable<ComparableValue>): void {
    if (!field) return;
    const key = `${meta.className}.${field}`;
    const entry = this.#wanted.get(key) ?? { meta, field, ids: new Set<string>() };
    for (const id of ids) if (id !== null) entry.ids.add(String(id));
    this.#wanted.set(key, entry);
  }

  async load(run: SqlRun, dialect: Dialect): Promise<void> {
    for (const [key, { meta, field, ids }] of this.#wanted) {
      const pk = dialect.quote(meta.properties[meta.primaryKeys[0] as never]?.fieldNames[0] as string);
      const column = dialect.quote(meta.properties[field as never]?.fieldNames[0] as string);
      for (const part of chunks([...ids])) {
        const rows = await run(
          `select ${pk} as id, ${column} as name from ${dialect.quote(meta.tableName)} where ${pk} in (${placeholders(part.length)})`,
          part,
        );
        for (const row of rows) this.#names.set(`${key}#${String(row.id)}`, String(row.name));
      }
    }
  }

  name(meta: EntityMetadata, field: string | undefined, id: ComparableValue): string | null {
    if (id === null) return null;
    if (!field) return String(id);
    return this.#names.get(`${meta.className}.${field}#${String(id)}`) ?? `#${String(id)}`;
  }
}
