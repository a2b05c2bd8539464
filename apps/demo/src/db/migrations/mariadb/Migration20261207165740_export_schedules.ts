import { Migration } from '@mikro-orm/migrations';

export class Migration20261207165740_export_schedules extends Migration {

  override name = 'Migration20261207165740_export_schedules';

  override up(): void | Promise<void> {
    this.addSql(`create table \`export_schedule\` (\`id\` int unsigned not null auto_increment primary key, \`saved_export_id\` int not null, \`cron\` varchar(100) not null, \`time_zone\` varchar(64) not null, \`enabled\` tinyint(1) not null default true, \`recipients\` json not null, \`keep_files\` int not null, \`next_run_at\` datetime(3) null, \`last_run_at\` datetime(3) null, \`lease_owner\` varchar(100) null, \`lease_until\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`export_schedule\` add unique \`export_schedule_saved_export_id_unique\` (\`saved_export_id\`);`);
    this.addSql(`alter table \`export_schedule\` add index \`export_schedule_enabled_next_run_at_index\` (\`enabled\`, \`next_run_at\`);`);

    this.addSql(`create table \`schedule_run\` (\`id\` int unsigned not null auto_increment primary key, \`schedule_id\` int not null, \`saved_export_id\` int not null, \`due_at\` datetime(3) not null, \`recipient_id\` int not null, \`status\` enum('pending','started','skipped') not null, \`task_id\` int null, \`reason_code\` varchar(100) null, \`reason\` text null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`schedule_run\` add index \`schedule_run_schedule_id_index\` (\`schedule_id\`);`);
    this.addSql(`alter table \`schedule_run\` add index \`schedule_run_status_index\` (\`status\`);`);
    this.addSql(`alter table \`schedule_run\` add unique \`schedule_run_schedule_id_due_at_recipient_id_unique\` (\`schedule_id\`, \`due_at\`, \`recipient_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`export_schedule\`;`);
    this.addSql(`drop table if exists \`schedule_run\`;`);
  }

}
