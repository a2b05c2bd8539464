import { Migration } from '@mikro-orm/migrations';

export class Migration20261207163140_export_deliveries extends Migration {

  override name = 'Migration20261207163140_export_deliveries';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_delivery\` (\`id\` integer not null primary key autoincrement, \`task_id\` integer not null, \`kind\` text check (\`kind\` in ('email', 'webhook')) not null, \`target\` text not null, \`attach\` integer not null default false, \`status\` text check (\`status\` in ('pending', 'sending', 'sent', 'failed')) not null, \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`last_error\` text null, \`sent_at\` datetime null, \`lease_owner\` text null, \`lease_until\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`export_delivery_task_id_foreign\` foreign key (\`task_id\`) references \`export_task\` (\`id\`));`);
    this.addSql(`create index \`export_delivery_task_id_index\` on \`export_delivery\` (\`task_id\`);`);
    this.addSql(`create index \`export_delivery_status_next_attempt_at_index\` on \`export_delivery\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`alter table \`app_user\` add column \`email\` text null;`);
    // The demo's seeded users get the addresses a fresh seed gives them.
    this.addSql(`update \`app_user\` set \`email\` = \`username\` || '@sluice.example' where \`username\` in ('admin', 'alice', 'bob') and \`email\` is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_delivery\`;`);

    this.addSql(`alter table \`app_user\` drop column \`email\`;`);
  }

}
