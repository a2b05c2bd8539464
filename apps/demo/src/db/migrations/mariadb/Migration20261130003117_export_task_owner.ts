import { Migration } from '@mikro-orm/migrations';

export class Migration20261130003117_export_task_owner extends Migration {

  override name = 'Migration20261130003117_export_task_owner';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_task_owner\` (\`owner_id\` int unsigned not null, \`locked_at\` datetime(3) not null, primary key (\`owner_id\`)) default character set utf8mb4 engine = InnoDB;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_task_owner\`;`);
  }

}
