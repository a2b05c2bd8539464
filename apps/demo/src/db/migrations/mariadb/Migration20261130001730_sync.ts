import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001730_sync extends Migration {

  override name = 'Migration20261130001730_sync';

  override up(): void | Promise<void> {
    this.addSql(`create table \`sync_batch\` (\`client_id\` varchar(64) not null, \`batch_id\` varchar(64) not null, \`subject\` varchar(64) not null, \`response\` text not null, \`created_at\` datetime(3) not null, primary key (\`client_id\`, \`batch_id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sync_batch\` add index \`sync_batch_created_at_index\` (\`created_at\`);`);

    this.addSql(`create table \`sync_change\` (\`id\` bigint unsigned not null auto_increment primary key, \`version\` bigint not null, \`mapping\` varchar(50) not null, \`row_id\` varchar(100) not null, \`scope\` varchar(64) null, \`left_scope\` varchar(64) null, \`op\` enum('upsert','delete') not null, \`origin\` varchar(64) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sync_change\` add index \`sync_change_mapping_version_id_index\` (\`mapping\`, \`version\`, \`id\`);`);

    this.addSql(`create table \`sync_clock\` (\`id\` int unsigned not null, \`version\` bigint not null, \`horizon_version\` bigint not null, \`database_id\` varchar(32) not null, \`secret\` varchar(64) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`sync_item\` (\`mapping\` varchar(50) not null, \`uuid\` varchar(64) not null, \`row_id\` varchar(100) not null, \`created_at\` datetime(3) not null, primary key (\`mapping\`, \`uuid\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sync_item\` add index \`sync_item_mapping_row_id_index\` (\`mapping\`, \`row_id\`);`);

    this.addSql(`create table \`sync_scope_generation\` (\`subject\` varchar(64) not null, \`fingerprint\` varchar(64) not null, \`generation\` int not null, primary key (\`subject\`)) default character set utf8mb4 engine = InnoDB;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`sync_batch\`;`);
    this.addSql(`drop table if exists \`sync_change\`;`);
    this.addSql(`drop table if exists \`sync_clock\`;`);
    this.addSql(`drop table if exists \`sync_item\`;`);
    this.addSql(`drop table if exists \`sync_scope_generation\`;`);
  }

}
