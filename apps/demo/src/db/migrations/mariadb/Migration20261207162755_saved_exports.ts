import { Migration } from '@mikro-orm/migrations';

export class Migration20261207162755_saved_exports extends Migration {

  override name = 'Migration20261207162755_saved_exports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`saved_export\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(200) not null, \`description\` text null, \`owner_id\` int not null, \`owner_name\` varchar(100) not null, \`request\` json not null, \`shared_roles\` json not null, \`shared_scopes\` json not null, \`shared\` tinyint(1) not null default false, \`version\` int not null default 1, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`saved_export\` add index \`saved_export_owner_id_index\` (\`owner_id\`);`);
    this.addSql(`alter table \`saved_export\` add index \`saved_export_shared_index\` (\`shared\`);`);

    this.addSql(`alter table \`export_task\` add \`saved_export_id\` int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`saved_export\`;`);

    this.addSql(`alter table \`export_task\` drop column \`saved_export_id\`;`);
  }

}
