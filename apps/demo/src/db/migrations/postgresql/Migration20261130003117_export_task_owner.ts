import { Migration } from '@mikro-orm/migrations';

export class Migration20261130003117_export_task_owner extends Migration {

  override name = 'Migration20261130003117_export_task_owner';

  override up(): void | Promise<void> {
    this.addSql(`create table "export_task_owner" ("owner_id" int not null, "locked_at" timestamptz(3) not null, primary key ("owner_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "export_task_owner" cascade;`);
  }

}
