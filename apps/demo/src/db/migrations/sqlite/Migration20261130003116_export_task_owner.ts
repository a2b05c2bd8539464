import { Migration } from '@mikro-orm/migrations';

export class Migration20261130003116_export_task_owner extends Migration {

  override name = 'Migration20261130003116_export_task_owner';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_task_owner\` (\`owner_id\` integer not null primary key, \`locked_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_task_owner\`;`);
  }

}
