import { Migration } from '@mikro-orm/migrations';

export class Migration20261121063657_export_tasks extends Migration {

  override name = 'Migration20261121063657_export_tasks';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_task\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`owner_name\` text not null, \`request\` json not null, \`remark\` text null, \`status\` text check (\`status\` in ('queued', 'running', 'succeeded', 'failed', 'cancelled')) not null, \`total_count\` integer null, \`processed_count\` integer not null default 0, \`peak_memory_bytes\` bigint null, \`file_key\` text null, \`file_name\` text null, \`content_type\` text null, \`file_size\` bigint null, \`row_count\` integer null, \`error_code\` text null, \`error_message\` text null, \`error_stack\` text null, \`attempts\` integer not null default 0, \`max_attempts\` integer not null, \`run_after\` datetime not null, \`created_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, \`updated_at\` datetime not null, \`created_by\` text not null, \`updated_by\` text not null, \`lease_owner\` text null, \`lease_expires_at\` datetime null, \`heartbeat_at\` datetime null, \`cancel_requested_at\` datetime null, \`checkpoint\` json null, \`expires_at\` datetime null);`);
    this.addSql(`create index \`export_task_owner_id_index\` on \`export_task\` (\`owner_id\`);`);
    this.addSql(`create index \`export_task_status_run_after_index\` on \`export_task\` (\`status\`, \`run_after\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_task\`;`);
  }

}
