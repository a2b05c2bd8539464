import { Migration } from '@mikro-orm/migrations';

export class Migration20261130011731_export_task_crashes extends Migration {

  override name = 'Migration20261130011731_export_task_crashes';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` add column \`crashes\` integer not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`export_task\` drop column \`crashes\`;`);
  }

}
