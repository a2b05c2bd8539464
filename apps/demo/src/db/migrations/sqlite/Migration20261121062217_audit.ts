import { Migration } from '@mikro-orm/migrations';

export class Migration20261121062217_audit extends Migration {

  override name = 'Migration20261121062217_audit';

  override up(): void | Promise<void> {
    this.addSql(`create table \`audit_revision\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`actor_id\` integer null, \`actor_name\` text null, \`correlation_id\` text null);`);
    this.addSql(`create index \`audit_revision_created_at_index\` on \`audit_revision\` (\`created_at\`);`);

    this.addSql(`create table \`audit_change\` (\`id\` integer not null primary key autoincrement, \`revision_id\` integer not null, \`entity_type\` text not null, \`entity_id\` text not null, \`action\` text check (\`action\` in ('create', 'update', 'delete')) not null, \`scope\` text null, \`changes\` json not null, \`collections\` json not null, \`state\` json not null, constraint \`audit_change_revision_id_foreign\` foreign key (\`revision_id\`) references \`audit_revision\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`audit_change_revision_id_index\` on \`audit_change\` (\`revision_id\`);`);
    this.addSql(`create index \`audit_change_entity_type_entity_id_revision_id_index\` on \`audit_change\` (\`entity_type\`, \`entity_id\`, \`revision_id\`);`);
    this.addSql(`create index \`audit_change_scope_revision_id_index\` on \`audit_change\` (\`scope\`, \`revision_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`audit_revision\`;`);
    this.addSql(`drop table if exists \`audit_change\`;`);
  }

}
