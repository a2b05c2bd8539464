import { Migration } from '@mikro-orm/migrations';

export class Migration20261207163141_export_deliveries extends Migration {

  override name = 'Migration20261207163141_export_deliveries';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_delivery\` (\`id\` int unsigned not null auto_increment primary key, \`task_id\` int unsigned not null, \`kind\` enum('email','webhook') not null, \`target\` varchar(2000) not null, \`attach\` tinyint(1) not null default false, \`status\` enum('pending','sending','sent','failed') not null, \`attempts\` int not null default 0, \`next_attempt_at\` datetime(3) not null, \`last_error\` text null, \`sent_at\` datetime(3) null, \`lease_owner\` varchar(100) null, \`lease_until\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`export_delivery\` add index \`export_delivery_task_id_index\` (\`task_id\`);`);
    this.addSql(`alter table \`export_delivery\` add index \`export_delivery_status_next_attempt_at_index\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`alter table \`app_user\` add \`email\` varchar(254) null;`);
    // The demo's seeded users get the addresses a fresh seed gives them.
    this.addSql(`update \`app_user\` set \`email\` = concat(\`username\`, '@sluice.example') where \`username\` in ('admin', 'alice', 'bob') and \`email\` is null;`);

    this.addSql(`alter table \`export_delivery\` add constraint \`export_delivery_task_id_foreign\` foreign key (\`task_id\`) references \`export_task\` (\`id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_delivery\`;`);

    this.addSql(`alter table \`app_user\` drop column \`email\`;`);
  }

}
