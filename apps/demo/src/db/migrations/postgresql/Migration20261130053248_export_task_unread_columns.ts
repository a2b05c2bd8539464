import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053248_export_task_unread_columns extends Migration {

  override name = 'Migration20261130053248_export_task_unread_columns';

  override up(): void | Promise<void> {
    this.addSql(`alter table "export_task" drop column "row_count", drop column "heartbeat_at";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "export_task" add "row_count" int4 null, add "heartbeat_at" timestamptz(3) null;`);
  }

}
