import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001730_sync extends Migration {

  override name = 'Migration20261130001730_sync';

  override up(): void | Promise<void> {
    this.addSql(`create table "sync_batch" ("client_id" varchar(64) not null, "batch_id" varchar(64) not null, "subject" varchar(64) not null, "response" text not null, "created_at" timestamptz(3) not null, primary key ("client_id", "batch_id"));`);
    this.addSql(`create index "sync_batch_created_at_index" on "sync_batch" ("created_at");`);

    this.addSql(`create table "sync_change" ("id" bigserial primary key, "version" bigint not null, "mapping" varchar(50) not null, "row_id" varchar(100) not null, "scope" varchar(64) null, "left_scope" varchar(64) null, "op" text not null, "origin" varchar(64) null, "created_at" timestamptz(3) not null);`);
    this.addSql(`create index "sync_change_mapping_version_id_index" on "sync_change" ("mapping", "version", "id");`);

    this.addSql(`create table "sync_clock" ("id" int not null, "version" bigint not null, "horizon_version" bigint not null, "database_id" varchar(32) not null, "secret" varchar(64) not null, primary key ("id"));`);

    this.addSql(`create table "sync_item" ("mapping" varchar(50) not null, "uuid" varchar(64) not null, "row_id" varchar(100) not null, "created_at" timestamptz(3) not null, primary key ("mapping", "uuid"));`);
    this.addSql(`create index "sync_item_mapping_row_id_index" on "sync_item" ("mapping", "row_id");`);

    this.addSql(`create table "sync_scope_generation" ("subject" varchar(64) not null, "fingerprint" varchar(64) not null, "generation" int not null, primary key ("subject"));`);

    this.addSql(`alter table "sync_change" add constraint "sync_change_op_check" check ("op" in ('upsert', 'delete'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sync_batch" cascade;`);
    this.addSql(`drop table if exists "sync_change" cascade;`);
    this.addSql(`drop table if exists "sync_clock" cascade;`);
    this.addSql(`drop table if exists "sync_item" cascade;`);
    this.addSql(`drop table if exists "sync_scope_generation" cascade;`);
  }

}
