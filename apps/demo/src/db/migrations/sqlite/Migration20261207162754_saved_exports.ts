import { Migration } from '@mikro-orm/migrations';

export class Migration20261207162754_saved_exports extends Migration {

  override name = 'Migration20261207162754_saved_exports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`saved_export\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`owner_id\` integer not null, \`owner_name\` text not null, \`request\` json not null, \`shared_roles\` json not null, \`shared_scopes\` json not null, \`shared\` integer not null default false, \`version\` integer not null default 1, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`saved_export_owner_id_index\` on \`saved_export\` (\`owner_id\`);`);
    this.addSql(`create index \`saved_export_shared_index\` on \`saved_export\` (\`shared\`);`);

    this.addSql(`alter table \`export_task\` add column \`saved_export_id\` integer null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`saved_export\`;`);

    this.addSql(`alter table \`export_task\` drop column \`saved_export_id\`;`);
  }

}
