import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';

/** What an application tells the `sluice` CLI, in `sluice.config.ts` at its root. */
export interface SluiceConfig {
  /** Opens the application's ORM (migrated); the CLI closes it when done. */
  openOrm(): Promise<MikroORM<AbstractSqlDriver, EntityManager>>;
}

/** Declares the CLI configuration with its type checked. */
export function defineSluiceConfig(config: SluiceConfig): SluiceConfig {
  return config;
}
