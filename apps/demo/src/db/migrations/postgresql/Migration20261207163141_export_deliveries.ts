import { Migration } from '@mikro-orm/migrations';

export class Migration20261207163141_export_deliveries extends Migration {

  override name = 'Migration20261207163141_export_deliveries';

  override up(): void | Promise<void> {
    this.addSql(`create table "export_delivery" ("id" serial primary key, "task_id" int not null, "kind" text not null, "target" varchar(2000) not null, "attach" boolean not null default false, "status" text not null, "attempts" int not null default 0, "next_attempt_at" timestamptz(3) not null, "last_error" text null, "sent_at" timestamptz(3) null, "lease_owner" varchar(100) null, "lease_until" timestamptz(3) null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null);`);
    this.addSql(`create index "export_delivery_task_id_index" on "export_delivery" ("task_id");`);
    this.addSql(`create index "export_delivery_status_next_attempt_at_index" on "export_delivery" ("status", "next_attempt_at");`);

    this.addSql(`alter table "app_user" add "email" varchar(254) null;`);
    // The demo's seeded users get the addresses a fresh seed gives them.
    this.addSql(`update "app_user" set "email" = "username" || '@sluice.example' where "username" in ('admin', 'alice', 'bob') and "email" is null;`);

    this.addSql(`alter table "export_delivery" add constraint "export_delivery_task_id_foreign" foreign key ("task_id") references "export_task" ("id");`);
    this.addSql(`alter table "export_delivery" add constraint "export_delivery_kind_check" check ("kind" in ('email', 'webhook'));`);
    this.addSql(`alter table "export_delivery" add constraint "export_delivery_status_check" check ("status" in ('pending', 'sending', 'sent', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "export_delivery" cascade;`);

    this.addSql(`alter table "app_user" drop column "email";`);
  }

}
