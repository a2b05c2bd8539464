import { Migration } from '@mikro-orm/migrations';

export class Migration20261207165739_export_schedules extends Migration {

  override name = 'Migration20261207165739_export_schedules';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_schedule\` (\`id\` integer not null primary key autoincrement, \`saved_export_id\` integer not null, \`cron\` text not null, \`time_zone\` text not null, \`enabled\` integer not null default true, \`recipients\` json not null, \`keep_files\` integer not null, \`next_run_at\` datetime null, \`last_run_at\` datetime null, \`lease_owner\` text null, \`lease_until\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`export_schedule_saved_export_id_unique\` on \`export_schedule\` (\`saved_export_id\`);`);
    this.addSql(`create index \`export_schedule_enabled_next_run_at_index\` on \`export_schedule\` (\`enabled\`, \`next_run_at\`);`);

    this.addSql(`create table \`schedule_run\` (\`id\` integer not null primary key autoincrement, \`schedule_id\` integer not null, \`saved_export_id\` integer not null, \`due_at\` datetime not null, \`recipient_id\` integer not null, \`status\` text check (\`status\` in ('pending', 'started', 'skipped')) not null, \`task_id\` integer null, \`reason_code\` text null, \`reason\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`schedule_run_schedule_id_index\` on \`schedule_run\` (\`schedule_id\`);`);
    this.addSql(`create index \`schedule_run_status_index\` on \`schedule_run\` (\`status\`);`);
    this.addSql(`create unique index \`schedule_run_schedule_id_due_at_recipient_id_unique\` on \`schedule_run\` (\`schedule_id\`, \`due_at\`, \`recipient_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_schedule\`;`);
    this.addSql(`drop table if exists \`schedule_run\`;`);
  }

}
