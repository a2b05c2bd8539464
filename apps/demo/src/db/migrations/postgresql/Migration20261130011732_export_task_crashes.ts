import { Migration } from '@mikro-orm/migrations';

export class Migration20261130011732_export_task_crashes extends Migration {

  override name = 'Migration20261130011732_export_task_crashes';

  override up(): void | Promise<void> {
    this.addSql(`alter table "export_task" add "crashes" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "export_task" drop column "crashes";`);
  }

}
