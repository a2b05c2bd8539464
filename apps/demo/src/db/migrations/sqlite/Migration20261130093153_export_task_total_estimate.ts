import { Migration } from '@mikro-orm/migrations';

export class Migration20261130093153_export_task_total_estimate extends Migration {

  override name = 'Migration20261130093153_export_task_total_estimate';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` add column \`total_is_estimate\` integer not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` drop column \`total_is_estimate\`;`);
  }

}
