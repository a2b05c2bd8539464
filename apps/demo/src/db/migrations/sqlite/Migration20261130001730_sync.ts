import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001730_sync extends Migration {

  override name = 'Migration20261130001730_sync';

  override up(): void | Promise<void> {
    this.addSql(`create table \`sync_batch\` (\`client_id\` text not null, \`batch_id\` text not null, \`subject\` text not null, \`response\` text not null, \`created_at\` datetime not null, primary key (\`client_id\`, \`batch_id\`));`);
    this.addSql(`create index \`sync_batch_created_at_index\` on \`sync_batch\` (\`created_at\`);`);

    this.addSql(`create table \`sync_change\` (\`id\` integer not null primary key autoincrement, \`version\` bigint not null, \`mapping\` text not null, \`row_id\` text not null, \`scope\` text null, \`left_scope\` text null, \`op\` text check (\`op\` in ('upsert', 'delete')) not null, \`origin\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`sync_change_mapping_version_id_index\` on \`sync_change\` (\`mapping\`, \`version\`, \`id\`);`);

    this.addSql(`create table \`sync_clock\` (\`id\` integer not null primary key, \`version\` bigint not null, \`horizon_version\` bigint not null, \`database_id\` text not null, \`secret\` text not null);`);

    this.addSql(`create table \`sync_item\` (\`mapping\` text not null, \`uuid\` text not null, \`row_id\` text not null, \`created_at\` datetime not null, primary key (\`mapping\`, \`uuid\`));`);
    this.addSql(`create index \`sync_item_mapping_row_id_index\` on \`sync_item\` (\`mapping\`, \`row_id\`);`);

    this.addSql(`create table \`sync_scope_generation\` (\`subject\` text not null primary key, \`fingerprint\` text not null, \`generation\` integer not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`sync_batch\`;`);
    this.addSql(`drop table if exists \`sync_change\`;`);
    this.addSql(`drop table if exists \`sync_clock\`;`);
    this.addSql(`drop table if exists \`sync_item\`;`);
    this.addSql(`drop table if exists \`sync_scope_generation\`;`);
  }

}
