import { Migration } from '@mikro-orm/migrations';

export class Migration20261121062217_audit extends Migration {

  override name = 'Migration20261121062217_audit';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_revision" ("id" serial primary key, "created_at" timestamptz(6) not null, "actor_id" int null, "actor_name" varchar(100) null, "correlation_id" varchar(100) null);`);
    this.addSql(`create index "audit_revision_created_at_index" on "audit_revision" ("created_at");`);

    this.addSql(`create table "audit_change" ("id" serial primary key, "revision_id" int not null, "entity_type" varchar(50) not null, "entity_id" varchar(64) not null, "action" text not null, "scope" varchar(64) null, "changes" json not null, "collections" json not null, "state" json not null);`);
    this.addSql(`create index "audit_change_revision_id_index" on "audit_change" ("revision_id");`);
    this.addSql(`create index "audit_change_entity_type_entity_id_revision_id_index" on "audit_change" ("entity_type", "entity_id", "revision_id");`);
    this.addSql(`create index "audit_change_scope_revision_id_index" on "audit_change" ("scope", "revision_id");`);

    this.addSql(`alter table "audit_change" add constraint "audit_change_revision_id_foreign" foreign key ("revision_id") references "audit_revision" ("id") on delete cascade;`);
    this.addSql(`alter table "audit_change" add constraint "audit_change_action_check" check ("action" in ('create', 'update', 'delete'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "audit_change" drop constraint "audit_change_revision_id_foreign";`);

    this.addSql(`drop table if exists "audit_revision" cascade;`);
    this.addSql(`drop table if exists "audit_change" cascade;`);
  }

}
