import { Migration } from '@mikro-orm/migrations';

export class Migration20261130093154_export_task_total_estimate extends Migration {

  override name = 'Migration20261130093154_export_task_total_estimate';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` add \`total_is_estimate\` tinyint(1) not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` drop column \`total_is_estimate\`;`);
  }

}
