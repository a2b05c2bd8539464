import { Migration } from '@mikro-orm/migrations';

export class Migration20261121063657_export_tasks extends Migration {

  override name = 'Migration20261121063657_export_tasks';

  override up(): void | Promise<void> {
    this.addSql(`create table "export_task" ("id" serial primary key, "owner_id" int not null, "owner_name" varchar(100) not null, "request" json not null, "remark" varchar(500) null, "status" text not null, "total_count" int null, "processed_count" int not null default 0, "peak_memory_bytes" bigint null, "file_key" varchar(200) null, "file_name" varchar(200) null, "content_type" varchar(200) null, "file_size" bigint null, "row_count" int null, "error_code" varchar(100) null, "error_message" text null, "error_stack" text null, "attempts" int not null default 0, "max_attempts" int not null, "run_after" timestamptz(3) not null, "created_at" timestamptz(3) not null, "started_at" timestamptz(3) null, "finished_at" timestamptz(3) null, "updated_at" timestamptz(3) not null, "created_by" varchar(100) not null, "updated_by" varchar(100) not null, "lease_owner" varchar(100) null, "lease_expires_at" timestamptz(3) null, "heartbeat_at" timestamptz(3) null, "cancel_requested_at" timestamptz(3) null, "checkpoint" json null, "expires_at" timestamptz(3) null);`);
    this.addSql(`create index "export_task_owner_id_index" on "export_task" ("owner_id");`);
    this.addSql(`create index "export_task_status_run_after_index" on "export_task" ("status", "run_after");`);

    this.addSql(`alter table "export_task" add constraint "export_task_status_check" check ("status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "export_task" cascade;`);
  }

}
