import { Migration } from '@mikro-orm/migrations';

export class Migration20261121062217_audit extends Migration {

  override name = 'Migration20261121062217_audit';

  override up(): void | Promise<void> {
    this.addSql(`create table \`audit_revision\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime(6) not null, \`actor_id\` int null, \`actor_name\` varchar(100) null, \`correlation_id\` varchar(100) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_revision\` add index \`audit_revision_created_at_index\` (\`created_at\`);`);

    this.addSql(`create table \`audit_change\` (\`id\` int unsigned not null auto_increment primary key, \`revision_id\` int unsigned not null, \`entity_type\` varchar(50) not null, \`entity_id\` varchar(64) not null, \`action\` enum('create','update','delete') not null, \`scope\` varchar(64) null, \`changes\` json not null, \`collections\` json not null, \`state\` json not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_change\` add index \`audit_change_revision_id_index\` (\`revision_id\`);`);
    this.addSql(`alter table \`audit_change\` add index \`audit_change_entity_type_entity_id_revision_id_index\` (\`entity_type\`, \`entity_id\`, \`revision_id\`);`);
    this.addSql(`alter table \`audit_change\` add index \`audit_change_scope_revision_id_index\` (\`scope\`, \`revision_id\`);`);

    this.addSql(`alter table \`audit_change\` add constraint \`audit_change_revision_id_foreign\` foreign key (\`revision_id\`) references \`audit_revision\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`audit_change\` drop foreign key \`audit_change_revision_id_foreign\`;`);

    this.addSql(`drop table if exists \`audit_revision\`;`);
    this.addSql(`drop table if exists \`audit_change\`;`);
  }

}
