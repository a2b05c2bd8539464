import { Migration } from '@mikro-orm/migrations';

export class Migration20261207165739_export_schedules extends Migration {

  override name = 'Migration20261207165739_export_schedules';

  override up(): void | Promise<void> {
    this.addSql(`create table "export_schedule" ("id" serial primary key, "saved_export_id" int not null, "cron" varchar(100) not null, "time_zone" varchar(64) not null, "enabled" boolean not null default true, "recipients" json not null, "keep_files" int not null, "next_run_at" timestamptz(3) null, "last_run_at" timestamptz(3) null, "lease_owner" varchar(100) null, "lease_until" timestamptz(3) null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null);`);
    this.addSql(`alter table "export_schedule" add constraint "export_schedule_saved_export_id_unique" unique ("saved_export_id");`);
    this.addSql(`create index "export_schedule_enabled_next_run_at_index" on "export_schedule" ("enabled", "next_run_at");`);

    this.addSql(`create table "schedule_run" ("id" serial primary key, "schedule_id" int not null, "saved_export_id" int not null, "due_at" timestamptz(3) not null, "recipient_id" int not null, "status" text not null, "task_id" int null, "reason_code" varchar(100) null, "reason" text null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null);`);
    this.addSql(`create index "schedule_run_schedule_id_index" on "schedule_run" ("schedule_id");`);
    this.addSql(`create index "schedule_run_status_index" on "schedule_run" ("status");`);
    this.addSql(`alter table "schedule_run" add constraint "schedule_run_schedule_id_due_at_recipient_id_unique" unique ("schedule_id", "due_at", "recipient_id");`);

    this.addSql(`alter table "schedule_run" add constraint "schedule_run_status_check" check ("status" in ('pending', 'started', 'skipped'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "export_schedule" cascade;`);
    this.addSql(`drop table if exists "schedule_run" cascade;`);
  }

}
