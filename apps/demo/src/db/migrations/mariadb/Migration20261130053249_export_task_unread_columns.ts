import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053249_export_task_unread_columns extends Migration {

  override name = 'Migration20261130053249_export_task_unread_columns';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` drop column \`row_count\`, drop column \`heartbeat_at\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` add \`row_count\` int null, add \`heartbeat_at\` datetime(3) null;`);
  }

}
